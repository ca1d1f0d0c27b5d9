import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runRecurrentCase } from '../src/layers/recurrent-case.js';

// The one copy of the golden fixtures lives at the repository root (golden/fixtures).
const dir = new URL('../fixtures/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { case: string; kind: string })
  .filter((f) => f.kind === 'cell' || f.kind === 'recurrent');

describe('golden recurrent fixtures (float64, 1e-9 relative, 1e-12 absolute floor)', () => {
  it('covers all 13 cell and recurrent cases', () => {
    expect(fixtures.map((f) => f.case).sort()).toEqual(
      ['grucell', 'gru_l1', 'gru_l1_packed', 'gru_l2_bi', 'lstmcell', 'lstm_l1', 'lstm_l1_bi_packed', 'lstm_l1_zero_state', 'lstm_l2_bi', 'rnncell_relu', 'rnncell_tanh', 'rnn_relu_l2', 'rnn_tanh_l1'].sort(),
    );
  });
  for (const fixture of fixtures) {
    it(fixture.case, () => {
      const result = runRecurrentCase(fixture);
      expect(result.ok, result.detail).toBe(true);
    });
  }
});
