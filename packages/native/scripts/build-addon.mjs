// Builds the addon from source with node-gyp when the package installs. Installation
// never fails: a failed build (no compiler, no Node headers, an unsupported platform)
// is recorded in build/status.json, which nativeStatus() reports, and Tapestry falls
// back to another backend. Nothing is downloaded: node-gyp is pointed at the headers of
// the Node that runs this script.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const statusFile = join(root, 'build', 'status.json');

function record(status) {
  mkdirSync(dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, JSON.stringify(status, null, 2) + '\n');
}

/** node-gyp's entry script: the package's own dependency, else the copy bundled with npm. */
function findNodeGyp() {
  try {
    return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    return existsSync(bundled) ? bundled : undefined;
  }
}

/** The prefix whose include/node holds this Node's headers, so node-gyp needs no download. */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, join(dirname(process.execPath), '..')].filter(Boolean);
  return candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
}

function build() {
  if (process.env.TAPESTRY_NATIVE_SKIP_BUILD) return { ok: false, reason: 'the build was skipped (TAPESTRY_NATIVE_SKIP_BUILD is set)' };
  const gyp = findNodeGyp();
  if (gyp === undefined) return { ok: false, reason: 'node-gyp was not found' };
  const nodedir = findNodeDir();
  if (nodedir === undefined) return { ok: false, reason: `the headers of Node ${process.version} were not found (set npm_config_nodedir)` };
  const started = Date.now();
  const run = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--jobs=max'], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_nodedir: nodedir } });
  if (run.error) return { ok: false, reason: `node-gyp could not run: ${run.error.message}` };
  if (run.status !== 0) {
    const tail = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-12).join('\n');
    return { ok: false, reason: `the addon failed to build (node-gyp exited with ${run.status}):\n${tail}` };
  }
  return { ok: true, reason: `built in ${((Date.now() - started) / 1000).toFixed(1)} s for Node ${process.version}` };
}

const status = build();
record(status);
console.log(status.ok ? `@tapestry/native: ${status.reason}` : `@tapestry/native: not built — ${status.reason}\nTapestry will use the wasm-simd backend instead.`);
