import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, index, record, reshape, sum, type Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { bidirectional, cellStep, gruCell, hiddenState, lstmCell, rnnCell, scan, type Cell } from '../src/recurrent/index.js';

const cells: Cell<unknown, unknown>[] = [rnnCell({ hiddenSize: 3 }), lstmCell({ hiddenSize: 3 }), gruCell({ hiddenSize: 2 })] as Cell<unknown, unknown>[];

function expectClose(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < a.size; i++) expect(a.data[i]).toBeCloseTo(b.data[i], 12);
}

describe('scan', () => {
  it('equals a hand-unrolled loop of cellStep, with padding frozen and zero outputs', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cells), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.nat(), fc.boolean(), (cell, B, T, seed, reverse) => {
        const rng = new Rng(seed);
        const params = cell.init(rng, 2, 'float64');
        const xs = rng.normal([B, T, 2], { dtype: 'float64' });
        const lengths = Array.from({ length: B }, () => 1 + rng.nextInt(T));
        const { outputs, carry } = scan(cell, params, xs, { lengths, reverse });
        for (let b = 0; b < B; b++) {
          const x = index(xs, 0, b);
          let c = cell.initCarry(1, 'float64');
          const steps = Array.from({ length: lengths[b] }, (_, i) => (reverse ? lengths[b] - 1 - i : i));
          const expected = new Array<Tensor | undefined>(T).fill(undefined);
          for (const t of steps) {
            const [next, y] = cellStep(cell, params, c, reshape(index(x, 0, t), [1, 2]));
            c = next;
            expected[t] = y;
          }
          for (let t = 0; t < T; t++) {
            const got = index(index(outputs, 0, b), 0, t);
            if (expected[t] === undefined) expect(Array.from(got.data).every((v) => v === 0)).toBe(true);
            else expectClose(got, index(expected[t] as Tensor, 0, 0));
          }
          expectClose(index(hiddenState(carry), 0, b), index(hiddenState(c), 0, 0));
        }
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('gives padded steps an input gradient of exactly zero', () => {
    const cell = lstmCell({ hiddenSize: 3 });
    const rng = new Rng(3);
    const params = cell.init(rng, 2, 'float64');
    const xs = rng.normal([2, 5, 2], { dtype: 'float64' });
    const rec = record(() => sum(bidirectional(cell).apply({ forward: params, backward: params }, xs, { lengths: [5, 2] }).outputs), { watch: xs });
    const g = rec.gradient(rec.value, xs);
    for (let t = 2; t < 5; t++) for (let f = 0; f < 2; f++) expect(g.data[(1 * 5 + t) * 2 + f]).toBe(0);
    expect(Math.abs(g.data[(1 * 5 + 1) * 2])).toBeGreaterThan(0);
  });

  it('gives ∂L/∂h_t for every step from the recording, matching the backward recurrence', () => {
    // For h_t = tanh(x_t + h_{t-1} W_hhᵀ + b) and L = Σ h_T, the adjoints obey
    // δ_T = 1, δ_{t-1} = (δ_t ⊙ (1 − h_t²)) W_hh — computed here by hand.
    const cell = rnnCell({ hiddenSize: 3 });
    const rng = new Rng(11);
    const params = cell.init(rng, 2, 'float64');
    const xs = rng.normal([1, 6, 2], { dtype: 'float64' });
    const rec = record(() => {
      const { states, carry } = scan(cell, params, xs, { keepStates: true });
      return { states, loss: sum(carry) };
    });
    const { states, loss } = rec.value;
    const perStep = rec.gradient(loss, states);
    const W = params.weight_hh.data;
    let delta = [1, 1, 1];
    for (let t = 5; t >= 0; t--) {
      expect(Array.from(perStep[t].data).map((v) => +v.toFixed(12))).toEqual(delta.map((v) => +v.toFixed(12)));
      const h = states[t].data;
      const pre = delta.map((d, j) => d * (1 - h[j] * h[j]));
      delta = [0, 1, 2].map((k) => pre.reduce((s, p, j) => s + p * W[j * 3 + k], 0));
    }
  });
});
