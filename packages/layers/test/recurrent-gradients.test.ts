import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, add, grad, mul, sum, type Tensor } from '@tapestry/core';
import { checkGradients, propertyRuns } from '@tapestry/core/testing';
import { gruCell, layerNormLstmCell, lstmCell, peepholeLstmCell, rnnCell, type Cell } from '../src/recurrent/index.js';
import { gruGates, gruGatesComposed, lstmGates, lstmGatesComposed } from '../src/recurrent/index.js';
import { expectCellGradients } from '../src/testing/index.js';

describe('every built-in cell passes checkGradients through scan (forward, reverse, stacked, bidirectional, padded)', () => {
  const cells: Cell<unknown, unknown>[] = [
    rnnCell({ hiddenSize: 3 }),
    rnnCell({ hiddenSize: 2, nonlinearity: 'relu' }),
    lstmCell({ hiddenSize: 3 }),
    lstmCell({ hiddenSize: 2, fused: false }),
    gruCell({ hiddenSize: 3 }),
    gruCell({ hiddenSize: 2, fused: false }),
    peepholeLstmCell({ hiddenSize: 2 }),
    layerNormLstmCell({ hiddenSize: 2 }),
  ] as Cell<unknown, unknown>[];
  // Two cells need a smaller finite-difference step than the default 1e-3. relu has a kink
  // at 0, and a stencil that straddles it disagrees with the (correct) one-sided tape
  // gradient. Layer norm divides by a standard deviation that can be small for tiny
  // random shapes, so the loss curves sharply on the scale of 1e-3. A step of 1e-6 avoids
  // both. Its rounding error is about ε·|L|/h ≈ 2e-10·|L| in absolute terms; with |L| up to
  // ~10 here that is below 5e-9, so the absolute tolerance rises to 1e-8 for these two.
  const small = (name: string) => (name.includes('relu') || name.includes('layer-norm') ? { eps: 1e-6, atol: 1e-8 } : {});
  for (const cell of cells) it(cell.name, () => expectCellGradients(cell, { numRuns: propertyRuns(6), ...small(cell.name) }));
});

const gateArb = (blocks: number) =>
  fc.record({ B: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 4 }), seed: fc.nat() }).map(({ B, H, seed }) => {
    const rng = new Rng(seed);
    const t = (shape: number[]): Tensor => rng.normal(shape, { dtype: 'float64' });
    return { gates: t([B, blocks * H]), hg: t([B, blocks * H]), state: t([B, H]) };
  });

describe('fused gate ops', () => {
  it('lstmGates equals the composed math and passes checkGradients', () => {
    fc.assert(
      fc.property(gateArb(4), ({ gates, state }) => {
        const [h, c] = lstmGates(gates, state);
        const [h2, c2] = lstmGatesComposed(gates, state);
        for (const [a, b] of [[h, h2], [c, c2]] as const) for (let i = 0; i < a.size; i++) expect(a.data[i]).toBeCloseTo(b.data[i], 14);
        const both = (g: Tensor, s: Tensor): Tensor => {
          const [hh, cc] = lstmGates(g, s);
          return add(hh, mul(cc, 0.7));
        };
        const report = checkGradients(both, [gates, state]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(20) },
    );
  });

  it('gruGates equals the composed math and passes checkGradients', () => {
    fc.assert(
      fc.property(gateArb(3), ({ gates, hg, state }) => {
        const h = gruGates(gates, hg, state);
        const h2 = gruGatesComposed(gates, hg, state);
        for (let i = 0; i < h.size; i++) expect(h.data[i]).toBeCloseTo(h2.data[i], 14);
        const report = checkGradients(gruGates, [gates, hg, state]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(20) },
    );
  });

  it('second derivatives through the fused ops equal those of the composed forms', () => {
    fc.assert(
      fc.property(gateArb(4), gateArb(3), (l, g) => {
        const viaLstm = (fn: typeof lstmGates) => grad((x: Tensor) => sum(mul(grad((y: Tensor) => sum(fn(y, l.state)[0]))(x), x)))(l.gates);
        const viaGru = (fn: typeof gruGates) => grad((x: Tensor) => sum(mul(grad((y: Tensor) => sum(fn(y, g.hg, g.state)))(x), x)))(g.gates);
        for (const [a, b] of [[viaLstm(lstmGates), viaLstm(lstmGatesComposed)], [viaGru(gruGates), viaGru(gruGatesComposed)]]) {
          for (let i = 0; i < a.size; i++) expect(a.data[i]).toBeCloseTo(b.data[i], 12);
        }
      }),
      { numRuns: propertyRuns(10) },
    );
  });
});
