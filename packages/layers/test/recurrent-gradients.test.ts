import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, add, grad, mul, sum, type Tensor } from '@tapestry/core';
import { checkGradients, propertyRuns } from '@tapestry/core/testing';
import { gruCell, lstmCell, rnnCell, type Cell } from '../src/recurrent/index.js';
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
  ] as Cell<unknown, unknown>[];
  // relu has a kink at 0: a finite-difference stencil that straddles it disagrees with the
  // (correct) one-sided tape gradient. A step of 1e-6 makes straddling vanishingly rare
  // while keeping the rounding error (~1e-10 relative) far below the 1e-6 tolerance.
  const eps = (name: string): number | undefined => (name.includes('relu') ? 1e-6 : undefined);
  for (const cell of cells) it(cell.name, () => expectCellGradients(cell, { numRuns: propertyRuns(6), eps: eps(cell.name) }));
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
