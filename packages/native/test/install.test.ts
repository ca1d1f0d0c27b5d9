// Installation never fails: when the addon cannot build (here: a compiler that always
// fails), the install script exits 0 and records why, which nativeStatus() then reports.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('a failed build exits 0 and records the reason in build/status.json', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tapestry-native-'));
  try {
    for (const part of ['scripts', 'native', 'binding.gyp', 'package.json']) cpSync(join(root, part), join(copy, part), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const run = spawnSync(process.execPath, ['scripts/build-addon.mjs'], { cwd: copy, encoding: 'utf8', env: { ...process.env, CXX: 'false', CC: 'false' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/not built — .*Tapestry will use the wasm-simd backend instead/s);
    const status = JSON.parse(readFileSync(join(copy, 'build', 'status.json'), 'utf8')) as { ok: boolean; reason: string };
    expect(status.ok).toBe(false);
    expect(status.reason).toMatch(/failed to build \(node-gyp exited with \d+\)/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}, 120_000);
