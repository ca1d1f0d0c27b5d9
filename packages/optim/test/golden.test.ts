import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runOptimizerCase } from '../src/golden.js';

const dir = new URL('./fixtures/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
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
