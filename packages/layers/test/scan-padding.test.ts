import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, leaves, mul, sum, tensor, valueAndGrad, type Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { bidirectional, gruCell, lstmCell, rnnCell, type Cell } from '../src/recurrent/index.js';

// Padding is ignored whatever it holds: with NaN, ±Inf, 1e30 or random values in the
// padded steps, outputs, carries and every gradient are bit-for-bit those of the same
// batch with zeros there, and the padded inputs get exactly zero gradient — on the
// compiled path and op by op.

const fillers = fc.constantFrom(NaN, Infinity, -Infinity, 1e30, -1e30, 'random' as const);
const cells = [rnnCell({ hiddenSize: 3 }), lstmCell({ hiddenSize: 3 }), gruCell({ hiddenSize: 2 }), lstmCell({ hiddenSize: 2, fused: false })] as Cell<unknown, unknown>[];

function withPadding(xs: Tensor, lengths: number[], fill: (i: number) => number): Tensor {
  const [B, T, F] = xs.shape;
  const data = Float64Array.from(xs.data);
  for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) for (let f = 0; f < F; f++) data[(b * T + t) * F + f] = fill(f);
  return tensor(data, { shape: xs.shape, dtype: 'float64' });
}

describe('padded steps (issue: NaN padding poisoned gradients)', () => {
  it('are ignored whatever they hold, compiled and op by op', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cells), fillers, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 5 }), fc.nat(), fc.boolean(), (cell, filler, B, T, seed, compile) => {
        const rng = new Rng(seed);
        const layer = bidirectional(cell);
        const params = layer.init(rng, 2, 'float64');
        const clean = rng.normal([B, T, 2], { dtype: 'float64' });
        const lengths = Array.from({ length: B }, (_, b) => (b === 0 ? T - 1 : 1 + rng.nextInt(T)));
        const zeroPadded = withPadding(clean, lengths, () => 0);
        const dirty = withPadding(clean, lengths, () => (filler === 'random' ? rng.normal([1]).item() * 1e3 : filler));
        const w = rng.normal([B, T, layer.outputSize], { dtype: 'float64' });
        const run = (xs: Tensor) => {
          let result: Tensor[] = [];
          const [loss, grads] = valueAndGrad((p: typeof params, x: Tensor) => {
            const out = layer.apply(p, x, { lengths });
            result = [out.outputs, ...leaves(out.carry)];
            return sum(mul(out.outputs, w));
          }, { argnums: [0, 1] })(params, xs);
          return { values: [loss, ...result, ...leaves(grads[0])], dx: grads[1] };
        };
        process.env.TAPESTRY_SCAN_COMPILE = compile ? '1' : '0';
        try {
          const a = run(dirty);
          const b = run(zeroPadded);
          a.values.forEach((t, i) => expect(Array.from(t.data), `value ${i}`).toEqual(Array.from(b.values[i].data)));
          expect(Array.from(a.dx.data)).toEqual(Array.from(b.dx.data));
          const [, Tn, F] = clean.shape;
          for (let bi = 0; bi < B; bi++) for (let t = lengths[bi]; t < Tn; t++) for (let f = 0; f < F; f++) expect(a.dx.data[(bi * Tn + t) * F + f]).toBe(0);
        } finally {
          delete process.env.TAPESTRY_SCAN_COMPILE;
        }
      }),
      { numRuns: propertyRuns(30) },
    );
  });
});
