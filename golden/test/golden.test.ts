import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { setBackend } from '@tapestry/core';
import { nativeBackend, nativeStatus } from '@tapestry/native';
import { KNOWN_KINDS, runFolder } from '../src/run-folder.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const verdicts = runFolder(fixtures);

// The same fixtures with the native backend's kernels (when its addon is built; its own
// tests fail when it is not).
function underNative(): ReturnType<typeof runFolder> {
  if (!nativeStatus().available) return [];
  const previous = setBackend(nativeBackend);
  try {
    return runFolder(fixtures);
  } finally {
    setBackend(previous);
  }
}
const nativeVerdicts = underNative();

describe('every golden fixture passes', () => {
  it('runs all 32 fixture files', () => {
    expect(new Set(verdicts.map((v) => v.file)).size).toBe(32);
  });
  for (const v of verdicts) {
    it(`${v.file}: ${v.name}`, () => expect(v.ok, v.detail).toBe(true));
  }
});

describe('every golden fixture passes under the native backend', () => {
  for (const v of nativeVerdicts) {
    it(`${v.file}: ${v.name}`, () => expect(v.ok, v.detail).toBe(true));
  }
});

describe('the pnpm golden command', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const run = (folder: string): { code: number; out: string } => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [cli, folder], { encoding: 'utf8' }) };
    } catch (e) {
      const err = e as { status: number; stdout: string };
      return { code: err.status, out: err.stdout };
    }
  };

  it('runs any folder and ends with the N passed, N failed line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golden-'));
    copyFileSync(join(fixtures, 'lstm_l1.json'), join(dir, 'lstm_l1.json'));
    const { code, out } = run(dir);
    expect(code).toBe(0);
    expect(out.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('fails, naming the file, on a broken or unknown fixture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golden-'));
    writeFileSync(join(dir, 'broken.json'), '{ "kind": ');
    writeFileSync(join(dir, 'odd.json'), JSON.stringify({ case: 'odd', kind: 'teleport' }));
    const { code, out } = run(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL\s+broken\.json\s+cannot read/);
    expect(out).toMatch(/FAIL\s+odd\s+unknown kind 'teleport'/);
    expect(out.trim().split('\n').at(-1)).toBe('0 passed, 2 failed');
  });

  it('fails when a value is perturbed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golden-'));
    const fixture = JSON.parse(execFileSync('cat', [join(fixtures, 'gru_l1.json')], { encoding: 'utf8' }));
    fixture.grads.weight_hh_l0.data[0] *= 1 + 1e-7;
    writeFileSync(join(dir, 'gru_l1.json'), JSON.stringify(fixture));
    const { code, out } = run(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL\s+gru_l1\s+grads\.weight_hh_l0: worst \|Δ\| \S+ at 0 /);
  });

  it('knows every kind the fixtures use', () => {
    expect(KNOWN_KINDS.sort()).toEqual(['cell', 'clip_grad_norm', 'loss', 'optimizer', 'recurrent', 'training'].sort());
  });
});
