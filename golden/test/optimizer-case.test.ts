import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runOptimizerCase } from '../src/optimizer-case.js';

const dir = new URL('../fixtures/', import.meta.url);
const files = readdirSync(dir).filter((f) => /^(optim_|clip_grad_norm).*\.json$/.test(f)).sort();
const load = (file: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, unknown>;

describe('golden optimizer and clip_grad_norm fixtures (float64, 1e-12 relative)', () => {
  it('has every fixture the golden README lists for these kinds', () => {
    expect(files).toEqual([
      'clip_grad_norm.json',
      'clip_grad_norm_noclip.json',
      'optim_adam.json',
      'optim_adam_amsgrad.json',
      'optim_adam_amsgrad_b2.json',
      'optim_adam_wd.json',
      'optim_adamw.json',
      'optim_sgd.json',
      'optim_sgd_momentum.json',
      'optim_sgd_momentum_wd.json',
      'optim_sgd_nesterov.json',
    ]);
  });

  for (const file of files) {
    it(file, () => {
      const fixture = load(file);
      const results = runOptimizerCase(fixture);
      const expectedCount = fixture.kind === 'optimizer' ? (fixture.steps as number) : 2;
      expect(results).toHaveLength(expectedCount);
      for (const r of results) expect(r.ok, `${r.name}: ${r.detail}`).toBe(true);
    });
  }
});

describe('the golden runner', () => {
  it('also runs the fixtures in float32 (at the float32 tolerance)', () => {
    for (const file of files) for (const r of runOptimizerCase(load(file), { dtype: 'float32' })) expect(r.ok, `${r.name}: ${r.detail}`).toBe(true);
  });

  it('reports a step that does not match, naming the element', () => {
    const fixture = load('optim_adam.json');
    const after = fixture.params_after_step as { w: { data: number[] } }[];
    after[2].w.data[4] *= 1 + 1e-10;
    const results = runOptimizerCase(fixture);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true]);
    expect(results[2].name).toBe('optim_adam step 3');
    expect(results[2].detail).toContain("first mismatch 'w'[4]");
  });

  it('reports a wrong total norm', () => {
    const fixture = { ...load('clip_grad_norm.json'), total_norm: 2.85 };
    expect(runOptimizerCase(fixture).map((r) => [r.name, r.ok])).toEqual([
      ['clip_grad_norm grads_out', true],
      ['clip_grad_norm total_norm', false],
    ]);
  });

  it('returns a failed result, not an exception, for a fixture it cannot run', () => {
    expect(runOptimizerCase({ case: 'x', kind: 'recurrent' })).toEqual([{ name: 'x', ok: false, detail: "kind 'recurrent' is not one of optimizer, clip_grad_norm" }]);
    expect(runOptimizerCase({ ...load('optim_sgd.json'), module: 'LBFGS' })[0]).toMatchObject({ ok: false, detail: "unknown optimizer module 'LBFGS'" });
    expect(runOptimizerCase(null)[0]).toMatchObject({ name: '(unnamed case)', ok: false });
  });
});

describe('trajectories recorded with PyTorch beyond the public fixtures (RMSprop, Adagrad, dampening, maximize; float64, 1e-12 relative)', () => {
  // Written by test/torch-optimizers/make.py from torch.optim itself.
  const extra = new URL('./torch-optimizers/', import.meta.url);
  const cases = readdirSync(extra).filter((f) => f.endsWith('.json')).sort();

  it('has all six recorded cases', () => expect(cases).toHaveLength(6));
  for (const file of cases) {
    it(file, () => {
      const fixture = JSON.parse(readFileSync(new URL(file, extra), 'utf8')) as Record<string, unknown>;
      const results = runOptimizerCase(fixture);
      expect(results).toHaveLength(fixture.steps as number);
      for (const r of results) expect(r.ok, `${r.name}: ${r.detail}`).toBe(true);
    });
  }
});
