import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, ValueError, tensor } from '@tapestry/core';
import { checkGradients, propertyRuns, shapeArb } from '@tapestry/core/testing';
import { mseLoss } from '../src/losses/index.js';

describe('mseLoss', () => {
  it('equals the mean, sum and elements of the squared differences', () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 3 }), fc.nat(), (shape, seed) => {
        const rng = new Rng(seed);
        const a = rng.normal(shape, { dtype: 'float64' });
        const b = rng.normal(shape, { dtype: 'float64' });
        const sq = Array.from(a.data, (v, i) => (v - b.data[i]) ** 2);
        const total = sq.reduce((s, v) => s + v, 0);
        expect(mseLoss(a, b).item()).toBeCloseTo(total / a.size, 12);
        expect(mseLoss(a, b, { reduction: 'sum' }).item()).toBeCloseTo(total, 12);
        const none = mseLoss(a, b, { reduction: 'none' });
        expect(none.shape).toEqual(shape);
        sq.forEach((v, i) => expect(none.data[i]).toBeCloseTo(v, 12));
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('has the gradients of central differences in both arguments', () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 3 }), fc.nat(), fc.constantFrom('mean', 'sum', 'none' as const), (shape, seed, reduction) => {
        const rng = new Rng(seed);
        const report = checkGradients((a, b) => mseLoss(a, b, { reduction }), [rng.normal(shape), rng.normal(shape)]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(25) },
    );
  });

  it('is a small worked example: mean((1−1)², (2−2)², (3−5)²) = 4/3', () => {
    expect(mseLoss(tensor([1, 2, 3], { dtype: 'float64' }), tensor([1, 2, 5], { dtype: 'float64' })).item()).toBeCloseTo(4 / 3, 15);
  });

  it('rejects mismatched shapes and dtypes (no broadcasting) and unknown reductions', () => {
    expect(() => mseLoss(tensor([[1, 2]]), tensor([1, 2]))).toThrow(new ShapeError('mseLoss: input [1,2] and target [2] differ in shape'));
    expect(() => mseLoss(tensor([1, 2]), tensor([1, 2], { dtype: 'float64' }))).toThrow(DTypeError);
    expect(() => mseLoss(tensor([1, 2], { dtype: 'int32' }), tensor([1, 2], { dtype: 'int32' }))).toThrow(/same float dtype/);
    expect(() => mseLoss(tensor([1]), tensor([1]), { reduction: 'max' as 'sum' })).toThrow(ValueError);
  });
});
