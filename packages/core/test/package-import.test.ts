// @tapestry/core can be installed and imported on its own: pack the built package,
// install the tarball into a scratch project that depends on nothing else, and run a
// script that computes a gradient. Needs the build (`tsc -b`) to have run first, as the
// test command does.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let scratch = '';

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

describe('installing @tapestry/core alone', () => {
  beforeAll(() => {
    expect(existsSync(join(packageDir, 'dist', 'index.js')), 'build @tapestry/core first (tsc -b)').toBe(true);
    scratch = mkdtempSync(join(tmpdir(), 'tapestry-core-scratch-'));
    // The pinned pnpm through npx, as the README's commands run it (none may be on PATH).
    const pnpm = (JSON.parse(readFileSync(join(packageDir, '..', '..', 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    run('npx', ['-y', pnpm, 'pack', '--pack-destination', scratch], packageDir);
    const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    expect(tarball, 'pnpm pack wrote a tarball').toBeDefined();
    const project = join(scratch, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: { '@tapestry/core': `file:../${tarball ?? ''}` } }, null, 2),
    );
    // The package has no runtime dependencies (fast-check is an optional peer), so an
    // offline install from the tarball alone must succeed.
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
  }, 60_000);

  afterAll(() => {
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it('installs nothing but @tapestry/core', () => {
    const project = join(scratch, 'project');
    expect(readdirSync(join(project, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['@tapestry']);
    expect(existsSync(join(project, 'node_modules', 'fast-check'))).toBe(false);
  });

  it('imports the package and computes a gradient with node', () => {
    const project = join(scratch, 'project');
    writeFileSync(
      join(project, 'main.mjs'),
      [
        "import { grad, hessianVectorProduct, mul, sum, tanh, tensor } from '@tapestry/core';",
        "const x = tensor([1, 2, 3], { dtype: 'float64' });",
        'const g = grad((v) => sum(mul(v, mul(v, v))))(x);',
        "const h = hessianVectorProduct((v) => sum(tanh(v)), tensor([0], { dtype: 'float64' }), tensor([1], { dtype: 'float64' }));",
        'console.log(JSON.stringify({ grad: g.toFlatArray(), hvp: h.toFlatArray() }));',
      ].join('\n'),
    );
    const out = JSON.parse(run('node', ['main.mjs'], project)) as { grad: number[]; hvp: number[] };
    expect(out.grad).toEqual([3, 12, 27]); // d/dx x³ = 3x²
    expect(out.hvp).toEqual([0]); // tanh''(0) = 0
  });

  it('the published types check in a strict NodeNext TypeScript project', () => {
    const project = join(scratch, 'project');
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { grad, sum, mul, tensor, type Tensor } from '@tapestry/core';",
        'type Params = { w: Tensor; b: Tensor };',
        'const loss = (p: Params, x: Tensor): Tensor => sum(mul(mul(p.w, x), p.b));',
        "const params: Params = { w: tensor([1, 2]), b: tensor([3]) };",
        'export const grads: Params = grad(loss)(params, tensor([4, 5]));',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, types: [] }, files: ['consumer.ts'] }),
    );
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    expect(run('node', [tsc, '-p', 'tsconfig.json'], project)).toBe('');
  });
});
