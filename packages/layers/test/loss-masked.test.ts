import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, ValueError, grad, tensor, type Tensor } from '@tapestry/core';
import { checkGradients, propertyRuns } from '@tapestry/core/testing';
import { crossEntropy, maskedMean, maskedSequenceLoss } from '../src/losses/index.js';

/** A [B, T] 0/1 float mask from lengths, as a padded batch has. */
function lengthMask(lengths: number[], T: number): Tensor {
  return tensor(lengths.map((L) => Array.from({ length: T }, (_, t) => (t < L ? 1 : 0))), { dtype: 'float64' });
}

const batchArb = fc.record({ B: fc.integer({ min: 1, max: 3 }), T: fc.integer({ min: 1, max: 4 }), C: fc.integer({ min: 1, max: 4 }), seed: fc.nat() });

function makeBatch({ B, T, C, seed }: { B: number; T: number; C: number; seed: number }) {
  const rng = new Rng(seed);
  const logits = rng.normal([B, T, C], { dtype: 'float64' });
  const lengths = Array.from({ length: B }, () => rng.nextInt(T + 1));
  // Padding positions hold a value that is not a class, as padded targets often do.
  const t = lengths.map((L) => Array.from({ length: T }, (_, i) => (i < L ? rng.nextInt(C) : -1)));
  return { logits, lengths, targets: tensor(t, { dtype: 'int32' }), mask: lengthMask(lengths, T) };
}

describe('maskedMean', () => {
  it('averages over mask > 0 only: (1 + 2 + 3) / 3', () => {
    const values = tensor([[1, 2, 9], [3, 9, 9]], { dtype: 'float64' });
    expect(maskedMean(values, tensor([[1, 1, 0], [1, 0, 0]], { dtype: 'float64' })).item()).toBe(2);
    expect(maskedMean(values, tensor([[0.5, 2, 0], [1, -1, 0]], { dtype: 'float64' })).item()).toBe(2);
    expect(maskedMean(values, tensor([[1, 1, 0], [1, 0, 0]], { dtype: 'int32' })).item()).toBe(2);
  });

  it('ignores Infinity and NaN at masked positions, in value and gradient', () => {
    const values = tensor([4, Infinity, NaN], { dtype: 'float64' });
    const mask = tensor([1, 0, 0], { dtype: 'float64' });
    expect(maskedMean(values, mask).item()).toBe(4);
    expect(Array.from(grad((v: Tensor) => maskedMean(v, mask))(values).data)).toEqual([1, 0, 0]);
  });

  it('is 0 with zero gradient when nothing is selected', () => {
    const values = tensor([1, 2], { dtype: 'float64' });
    const mask = tensor([0, 0], { dtype: 'float64' });
    expect(maskedMean(values, mask).item()).toBe(0);
    expect(Array.from(grad((v: Tensor) => maskedMean(v, mask))(values).data)).toEqual([0, 0]);
  });

  it('has the gradients of central differences', () => {
    fc.assert(
      fc.property(batchArb, ({ B, T, seed }) => {
        const rng = new Rng(seed);
        const mask = lengthMask(Array.from({ length: B }, () => rng.nextInt(T + 1)), T);
        const report = checkGradients((v) => maskedMean(v, mask), [rng.normal([B, T], { dtype: 'float64' })]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(20) },
    );
  });

  it('rejects a mask of another shape and integer values', () => {
    expect(() => maskedMean(tensor([[1, 2]]), tensor([1, 1]))).toThrow(new ShapeError('maskedMean: values [1,2] and mask [2] differ in shape'));
    expect(() => maskedMean(tensor([1], { dtype: 'int32' }), tensor([1]))).toThrow(DTypeError);
  });
});

describe('maskedSequenceLoss', () => {
  it('is the token mean of cross entropy over valid steps, whatever the padding targets hold', () => {
    fc.assert(
      fc.property(batchArb, (c) => {
        const { logits, targets, mask, lengths } = makeBatch(c);
        const ignored = tensor(
          Array.from(targets.data, (v, i) => (mask.data[i] > 0 ? v : -100)),
          { shape: targets.shape, dtype: 'int32' },
        );
        const count = lengths.reduce((s, L) => s + L, 0);
        const expected = crossEntropy(logits, ignored, { reduction: 'sum', labelSmoothing: 0.1 }).item() / Math.max(count, 1);
        expect(maskedSequenceLoss(logits, targets, mask, { labelSmoothing: 0.1 }).item()).toBeCloseTo(expected, 12);
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('equals a hand count on a fixed batch: uniform logits give log C per valid token', () => {
    const logits = tensor(new Float64Array(2 * 3 * 4), { shape: [2, 3, 4] });
    const targets = tensor([[1, 2, 3], [0, 7, 7]], { dtype: 'int32' });
    const mask = lengthMask([3, 1], 3);
    expect(maskedSequenceLoss(logits, targets, mask).item()).toBeCloseTo(Math.log(4), 15);
    const g = grad((l: Tensor) => maskedSequenceLoss(l, targets, mask))(logits);
    // Each of the 4 valid tokens: (softmax − onehot) / 4 = (1/4 − [c = t]) / 4; padding: 0.
    expect(g.data[4 * 0 + 1]).toBeCloseTo((0.25 - 1) / 4, 15);
    expect(g.data[4 * 0 + 0]).toBeCloseTo(0.25 / 4, 15);
    expect(Array.from(g.data.subarray(16, 24))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('has the gradients of central differences wrt the logits', () => {
    fc.assert(
      fc.property(batchArb, (c) => {
        const { logits, targets, mask } = makeBatch(c);
        const report = checkGradients((l) => maskedSequenceLoss(l, targets, mask, { labelSmoothing: 0.2 }), [logits]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(20) },
    );
  });

  it('still checks targets at valid positions, and the shapes', () => {
    const logits = new Rng(0).normal([1, 2, 3]);
    const mask = tensor([[1, 1]]);
    expect(() => maskedSequenceLoss(logits, tensor([[0, 3]], { dtype: 'int32' }), mask)).toThrow(new ValueError('maskedSequenceLoss: targets[1] = 3 is out of range [0, 3)'));
    expect(() => maskedSequenceLoss(logits, tensor([[0, 1]], { dtype: 'int32' }), tensor([1, 1]))).toThrow(/maskedSequenceLoss: targets \[1,2\] and mask \[2\] differ in shape/);
    expect(() => maskedSequenceLoss(logits, tensor([[0, 1]], { dtype: 'int32' }), mask, { labelSmoothing: 2 })).toThrow(/labelSmoothing must be in \[0, 1\]/);
  });
});
