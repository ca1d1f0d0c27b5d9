// The packages as users install them: each root entry bundles for the browser, require()
// works (Node ≥ 20.19 loads ESM through the `default` condition), the declared
// dependencies are exactly the imported ones, every package carries its licence and
// metadata — and a second copy of core, nested under layers as a version drift after
// publishing would leave it, fails at import naming both copies instead of giving zero
// gradients. Needs the build (`tsc -b`) first, as the test command does.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examplesDir = join(root, 'examples');
const published = ['core', 'layers', 'optim', 'data'] as const;
const scratch = mkdtempSync(join(tmpdir(), 'tapestry-installed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  keywords?: string[];
  engines?: { node?: string };
  exports: Record<string, Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function manifest(pkg: string): PackageJson {
  return JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as PackageJson;
}

/** Every bare module a package's sources import (node: built-ins excluded), as package names. */
function importedPackages(pkg: string): Set<string> {
  const out = new Set<string>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) {
        // Only real import statements: doc-comment examples start with ' * '.
        for (const [, spec] of readFileSync(path, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from '([^'.][^']*)'/gmu)) {
          if (spec.startsWith('node:')) continue;
          const parts = spec.split('/');
          out.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
        }
      }
    }
  };
  visit(join(root, 'packages', pkg, 'src'));
  return out;
}

describe('each root entry bundles for the browser', () => {
  for (const pkg of published) {
    it(`@tapestry/${pkg}`, async () => {
      const result = await build({
        stdin: { contents: `export * from '@tapestry/${pkg}';`, resolveDir: examplesDir, loader: 'js' },
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
      });
      expect(result.errors).toEqual([]);
      const code = result.outputFiles[0].text;
      expect(code).not.toMatch(/from ["']node:/u);
    });
  }
});

describe('require() of each package', () => {
  for (const pkg of published) {
    it(`@tapestry/${pkg}`, () => {
      const script = `const m = require('@tapestry/${pkg}'); console.log(Object.keys(m).length);`;
      const out = execFileSync('node', ['-e', script], { cwd: examplesDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(Number(out.trim())).toBeGreaterThan(5);
    });
  }
});

describe('package metadata', () => {
  for (const pkg of published) {
    it(`@tapestry/${pkg}: licence, engines, keywords`, () => {
      const m = manifest(pkg);
      expect(m.license).toBe('MIT');
      expect(readFileSync(join(root, 'packages', pkg, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} Tapestry contributors\n/u);
      expect(m.engines?.node).toBe('>=20.19');
      expect(m.keywords?.length).toBeGreaterThan(2);
      for (const entry of Object.values(m.exports)) expect(entry.default).toBe(entry.import);
    });

    it(`@tapestry/${pkg}: declares exactly what it imports; core is a peer`, () => {
      const m = manifest(pkg);
      const declared = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
      const imported = importedPackages(pkg);
      imported.delete(m.name);
      expect([...imported].filter((d) => !declared.has(d)), 'imported but not declared').toEqual([]);
      expect([...declared].filter((d) => !imported.has(d)), 'declared but never imported').toEqual([]);
      if (pkg !== 'core') {
        expect(m.peerDependencies?.['@tapestry/core']).toBe('workspace:^');
        expect(m.dependencies?.['@tapestry/core']).toBeUndefined();
      }
      expect(Object.keys(m.exports)).not.toContain('./golden');
    });
  }
});

describe('fp-ts', () => {
  it("is imported through its package root (bundlers take its ESM build), never its CommonJS 'lib/' paths", () => {
    const offenders: string[] = [];
    const visit = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) visit(path);
        else if (entry.name.endsWith('.ts') && /from 'fp-ts\//u.test(readFileSync(path, 'utf8'))) offenders.push(path);
      }
    };
    for (const dir of ['packages/core/src', 'packages/layers/src', 'packages/data/src', 'packages/data/test', 'examples/src', 'examples/test', 'golden/src']) visit(join(root, dir));
    expect(offenders).toEqual([]);
  });
});

describe('two copies of core', () => {
  const project = join(scratch, 'project');
  const modules = join(project, 'node_modules', '@tapestry');
  const nested = join(modules, 'layers', 'node_modules', '@tapestry', 'core');
  const script = `import { Rng, sum, valueAndGrad } from '@tapestry/core';
import { LSTM } from '@tapestry/layers';
const lstm = LSTM({ inputSize: 2, hiddenSize: 3 });
const [, grads] = valueAndGrad((p) => sum(lstm.apply(p, new Rng(1).normal([1, 4, 2])).output))(lstm.init(new Rng(0)));
console.log(JSON.stringify(Object.values(grads).map((g) => Math.max(...g.toFlatArray().map(Math.abs)))));`;

  /** Installs the packed core at `dir` (the tarball's `package/` folder is the package). */
  function installCore(tarball: string, dir: string): void {
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  }

  function setUp(): void {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: join(root, 'packages', 'core'), stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = join(scratch, readdirSync(scratch).find((f) => f.endsWith('.tgz')) ?? '');
    installCore(tarball, join(modules, 'core'));
    // A scratch copy of layers, as installed from the registry: its package.json and build.
    mkdirSync(join(modules, 'layers'), { recursive: true });
    for (const part of ['package.json', 'dist']) cpSync(join(root, 'packages', 'layers', part), join(modules, 'layers', part), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    writeFileSync(join(project, 'main.mjs'), script);
    // The nested copy: core as a later release, installed under layers.
    installCore(tarball, nested);
    for (const file of [join(nested, 'package.json'), join(nested, 'dist', 'single-copy.js')]) {
      writeFileSync(file, readFileSync(file, 'utf8').replace(/(["'])0\.1\.0\1/u, '$10.2.0$1'));
    }
  }

  it('fail at import with both versions and paths, instead of zero gradients', () => {
    setUp();
    const run = spawnSync('node', ['main.mjs'], { cwd: project, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('@tapestry/core is loaded twice');
    expect(run.stderr).toContain('version 0.1.0');
    expect(run.stderr).toContain('version 0.2.0');
    expect(run.stderr).toContain(join(modules, 'core', 'dist'));
    expect(run.stderr).toContain(join(nested, 'dist'));
  });

  it('with the nested copy removed (deduplicated), the same script gives non-zero gradients', () => {
    rmSync(join(modules, 'layers', 'node_modules'), { recursive: true, force: true });
    const grads = JSON.parse(execFileSync('node', ['main.mjs'], { cwd: project, encoding: 'utf8' })) as number[];
    expect(grads).toHaveLength(4);
    for (const g of grads) expect(g).toBeGreaterThan(0);
  });
});
