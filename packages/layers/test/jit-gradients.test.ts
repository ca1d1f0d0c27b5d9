import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, add, jit, leaves, mapTree, mul, sum, valueAndGrad, type Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { LSTM, gruCell, lstmCell, rnnCell, scan, type Cell } from '../src/recurrent/index.js';
import { randomCell, recipes } from './random-cells.js';
import { expectAgree } from './scan-compiled-helpers.js';

// `jit(valueAndGrad(loss))` traces the loss and its whole reverse sweep — a scan inside
// runs op by op into the trace — and runs them as one plan. Its values and gradients
// must be those of `valueAndGrad(loss)` run eagerly.

type AnyCell = Cell<Record<string, Tensor>, unknown>;

const builtIn = (): AnyCell[] => [rnnCell({ hiddenSize: 3 }), lstmCell({ hiddenSize: 3 }), gruCell({ hiddenSize: 3 })] as unknown as AnyCell[];

describe('a jitted valueAndGrad equals the eager one (float64, 1e-12)', () => {
  it('for random and built-in cells: both directions, random lengths, several calls with changing parameters', () => {
    fc.assert(
      fc.property(fc.oneof(recipes.map((r) => randomCell(r) as AnyCell), fc.constantFrom(...builtIn())), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.nat(), fc.boolean(), fc.boolean(), (cell, B, T, seed, reverse, padded) => {
        const rng = new Rng(seed);
        const xs = rng.normal([B, T, 2], { dtype: 'float64' });
        const lengths = padded ? Array.from({ length: B }, () => 1 + rng.nextInt(T)) : undefined;
        let params = cell.init(rng, 2, 'float64');
        // The loss weights are drawn once, outside: a trace cannot draw random numbers.
        const probe = scan(cell, params, xs, { lengths, reverse });
        const weights = [probe.outputs, ...leaves(probe.carry)].map((t) => rng.normal(t.shape, { dtype: 'float64' }));
        const loss = (p: Record<string, Tensor>, x: Tensor): Tensor => {
          const out = scan(cell, p, x, { lengths, reverse });
          return [out.outputs, ...leaves(out.carry)].map((t, k) => sum(mul(t, weights[k]))).reduce((a, b) => add(a, b));
        };
        const eager = valueAndGrad(loss, { argnums: [0, 1] });
        const compiled = jit(eager);
        for (let call = 0; call < 2; call++) {
          const [value, [gp, gx]] = compiled(params, xs);
          const [want, [wp, wx]] = eager(params, xs);
          expectAgree('loss', value, want);
          expectAgree('∂/∂x', gx, wx);
          leaves(gp).forEach((g, i) => expectAgree(`gradient ${i}`, g, leaves(wp)[i]));
          // The next call sees new parameter tensors, as after an optimizer step.
          params = mapTree(params, (t) => mul(t, 0.9)) as typeof params;
        }
        expect(compiled.explain(params, xs)).toMatch(/^compiled: /);
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('for a two-layer bidirectional LSTM module with lengths (the PyTorch-layout module path)', () => {
    const module = LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true });
    const rng = new Rng(5);
    const params = module.init(rng, 'float64');
    const xs = rng.normal([3, 4, 2], { dtype: 'float64' });
    const w = rng.normal([3, 4, 6], { dtype: 'float64' });
    const loss = (p: typeof params): Tensor => sum(mul(module.apply(p, xs, { lengths: [4, 2, 3] }).output, w));
    const eager = valueAndGrad(loss);
    const compiled = jit(eager);
    const [value, grads] = compiled(params);
    const [want, wantGrads] = eager(params);
    expectAgree('loss', value, want);
    leaves(grads).forEach((g, i) => expectAgree(`gradient ${i}`, g, leaves(wantGrads)[i]));
    expect(compiled.explain(params)).toMatch(/^compiled: /);
  });
});
