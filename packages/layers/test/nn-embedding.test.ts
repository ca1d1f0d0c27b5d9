import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, ValueError, grad, mul, sum, tensor, type Tensor } from '@tapestry/core';
import { checkGradients, propertyRuns } from '@tapestry/core/testing';
import { embedding } from '../src/nn/index.js';

const lookupArb = fc.record({
  V: fc.integer({ min: 1, max: 5 }),
  D: fc.integer({ min: 1, max: 3 }),
  shape: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  seed: fc.nat(),
});

function indicesFor(rng: Rng, shape: number[], V: number): Tensor {
  return rng.integers(shape, V);
}

describe('embedding', () => {
  it('looks up row indices[...] of the table: [...] → [..., D]', () => {
    fc.assert(
      fc.property(lookupArb, ({ V, D, shape, seed }) => {
        const rng = new Rng(seed);
        const params = embedding.init(rng, V, D, { dtype: 'float64' });
        const idx = indicesFor(rng, shape, V);
        const out = embedding.apply(params, idx);
        expect(out.shape).toEqual([...shape, D]);
        for (let n = 0; n < idx.size; n++) {
          for (let d = 0; d < D; d++) expect(out.data[n * D + d]).toBe(params.weight.data[idx.data[n] * D + d]);
        }
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('has the gradients of central differences wrt the table', () => {
    fc.assert(
      fc.property(lookupArb, ({ V, D, shape, seed }) => {
        const rng = new Rng(seed);
        const { weight } = embedding.init(rng, V, D, { dtype: 'float64' });
        const idx = indicesFor(rng, shape, V);
        const report = checkGradients((w) => embedding.apply({ weight: w }, idx), [weight]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(25) },
    );
  });

  it('with paddingIdx, has the same gradient except for a zero padding row', () => {
    fc.assert(
      fc.property(lookupArb, fc.nat(), ({ V, D, shape, seed }, pad) => {
        const rng = new Rng(seed);
        const { weight } = embedding.init(rng, V, D, { dtype: 'float64' });
        const idx = indicesFor(rng, shape, V);
        const cotangent = rng.normal([...shape, D], { dtype: 'float64' });
        const padding = pad % V;
        const loss = (options: { paddingIdx?: number }) => (w: Tensor) => sum(mul(embedding.apply({ weight: w }, idx, options), cotangent));
        const plain = grad(loss({}))(weight);
        const padded = grad(loss({ paddingIdx: padding }))(weight);
        for (let i = 0; i < weight.size; i++) expect(padded.data[i]).toBe(Math.floor(i / D) === padding ? 0 : plain.data[i]);
      }),
      { numRuns: propertyRuns(25) },
    );
  });

  it('counts repeated indices in the gradient and gives the padding row none', () => {
    const weight = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' });
    const idx = tensor([[2, 0, 2], [0, 1, 0]], { dtype: 'int32' });
    const loss = (options: { paddingIdx?: number }) => (w: Tensor) => sum(mul(embedding.apply({ weight: w }, idx, options), tensor([1, 10], { dtype: 'float64' })));
    expect(Array.from(grad(loss({}))(weight).data)).toEqual([3, 30, 1, 10, 2, 20]);
    expect(Array.from(grad(loss({ paddingIdx: 0 }))(weight).data)).toEqual([0, 0, 1, 10, 2, 20]);
    expect(Array.from(grad(loss({ paddingIdx: -1 }))(weight).data)).toEqual([3, 30, 1, 10, 0, 0]);
    // The padding position still reads its row: only the gradient is cut.
    expect(Array.from(embedding.apply({ weight }, idx, { paddingIdx: 0 }).data.subarray(2, 4))).toEqual([1, 2]);
  });

  it('initialises N(0, 1) with a zero padding row', () => {
    const { weight } = embedding.init(new Rng(1), 200, 50, { paddingIdx: 3 });
    expect(weight.shape).toEqual([200, 50]);
    expect(Array.from(weight.data.subarray(150, 200)).every((v) => v === 0)).toBe(true);
    const values = Array.from(weight.data).filter((_, i) => i < 150 || i >= 200);
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    const v = values.reduce((s, x) => s + (x - m) ** 2, 0) / values.length;
    // n = 9950 draws: sd(mean) = 1/√n ≈ 0.010, sd(variance) ≈ √(2/n) ≈ 0.014; 6 sd each.
    expect(Math.abs(m)).toBeLessThan(0.06);
    expect(Math.abs(v - 1)).toBeLessThan(0.085);
  });

  it('rejects bad indices and sizes, naming the layer', () => {
    const params = embedding.init(new Rng(0), 4, 2);
    expect(() => embedding.apply(params, tensor([1, 4], { dtype: 'int32' }))).toThrow(new ValueError('embedding: index 4 at position 1 is out of range [0, 4)'));
    expect(() => embedding.apply(params, tensor([1, -1], { dtype: 'int32' }))).toThrow(/index -1 at position 1/);
    expect(() => embedding.apply(params, tensor([1, 2]))).toThrow(new DTypeError('embedding: indices must be int32, got float32'));
    expect(() => embedding.apply({ weight: tensor([1, 2]) }, tensor([0], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => embedding.apply(params, tensor([0], { dtype: 'int32' }), { paddingIdx: 4 })).toThrow(/embedding: paddingIdx must be an integer in \[-4, 4\), got 4/);
    expect(() => embedding.init(new Rng(0), 4, 2, { paddingIdx: -5 })).toThrow(/embedding.init: paddingIdx/);
    expect(() => embedding.init(new Rng(0), 0, 2)).toThrow(/numEmbeddings must be a positive integer/);
  });
});
