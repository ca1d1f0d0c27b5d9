import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, ValueError, add, full, grad, reshape, tensor, type Tensor } from '@tapestry/core';
import { checkGradients, propertyRuns } from '@tapestry/core/testing';
import { crossEntropy } from '../src/losses/index.js';

/** Per-row loss written with plain numbers: max-shifted log-sum-exp, −log p_c = lse − x_c. */
function referenceRow(row: number[], target: number, eps: number): number {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  const meanLogit = row.reduce((s, v) => s + v, 0) / row.length;
  return (1 - eps) * (lse - row[target]) + eps * (lse - meanLogit);
}

function rows(logits: Tensor): number[][] {
  const C = logits.shape[logits.rank - 1];
  return Array.from({ length: logits.size / C }, (_, n) => Array.from(logits.data.subarray(n * C, (n + 1) * C)));
}

/** A case: logits [N, C] in float64, targets with some rows set to the ignore index. */
const caseArb = fc.record({
  N: fc.integer({ min: 1, max: 4 }),
  C: fc.integer({ min: 1, max: 5 }),
  seed: fc.nat(),
  ignoreProb: fc.constantFrom(0, 0.3),
  eps: fc.constantFrom(0, 0.1, 1),
  scale: fc.constantFrom(1, 4),
});

function makeCase({ N, C, seed, ignoreProb, scale }: { N: number; C: number; seed: number; ignoreProb: number; scale: number }) {
  const rng = new Rng(seed);
  const logits = rng.normal([N, C], { dtype: 'float64', std: scale });
  const t = Array.from({ length: N }, () => (rng.nextFloat() < ignoreProb ? -100 : rng.nextInt(C)));
  return { logits, targets: tensor(t, { dtype: 'int32' }), t };
}

describe('crossEntropy', () => {
  it('equals the per-row formula with label smoothing, ignoring rows and averaging over counted rows', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { logits, targets, t } = makeCase(c);
        const per = rows(logits).map((row, n) => (t[n] === -100 ? 0 : referenceRow(row, t[n], c.eps)));
        const count = t.filter((v) => v !== -100).length;
        const none = crossEntropy(logits, targets, { labelSmoothing: c.eps, reduction: 'none' });
        expect(none.shape).toEqual([c.N]);
        per.forEach((v, n) => expect(none.data[n]).toBeCloseTo(v, 12));
        const total = per.reduce((s, v) => s + v, 0);
        expect(crossEntropy(logits, targets, { labelSmoothing: c.eps, reduction: 'sum' }).item()).toBeCloseTo(total, 12);
        expect(crossEntropy(logits, targets, { labelSmoothing: c.eps }).item()).toBeCloseTo(count === 0 ? 0 : total / count, 12);
      }),
      { numRuns: propertyRuns(40) },
    );
  });

  it('has the gradients of central differences (float64), for every reduction', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom('mean', 'sum', 'none' as const), (c, reduction) => {
        const { logits, targets } = makeCase(c);
        const report = checkGradients((l) => crossEntropy(l, targets, { labelSmoothing: c.eps, reduction }), [logits]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(25) },
    );
  });

  it('gives ignored rows exactly zero gradient and the closed form (softmax − onehot)/count elsewhere', () => {
    const logits = tensor([[1, 2, 3], [1e4, -1e4, 0], [0, 0, 0]], { dtype: 'float64' });
    const targets = tensor([2, -100, 0], { dtype: 'int32' });
    const g = grad((l: Tensor) => crossEntropy(l, targets))(logits);
    expect(Array.from(g.data.subarray(3, 6))).toEqual([0, 0, 0]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0] + e[1] + e[2];
    [e[0] / z / 2, e[1] / z / 2, (e[2] / z - 1) / 2, (1 / 3 - 1) / 2, 1 / 6, 1 / 6].forEach((v, i) => expect(g.data[[0, 1, 2, 6, 7, 8][i]]).toBeCloseTo(v, 14));
  });

  it('is unchanged by adding ±1000 to a row (max-shifted log-sum-exp), in float32 too', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom(-1000, 1000), (c, shift) => {
        const { logits, targets } = makeCase({ ...c, ignoreProb: 0 });
        const shifted = add(logits, shift);
        expect(crossEntropy(shifted, targets).item()).toBeCloseTo(crossEntropy(logits, targets).item(), 9);
        const f32 = crossEntropy(add(full(logits.shape, shift, 'float32'), tensor(logits.data, { shape: logits.shape, dtype: 'float32' })), targets).item();
        expect(Number.isFinite(f32)).toBe(true);
      }),
      { numRuns: propertyRuns(20) },
    );
  });

  it('takes [B, T, C] logits with [B, T] targets, the same as flattening to [B·T, C]', () => {
    const rng = new Rng(3);
    const logits = rng.normal([2, 3, 4], { dtype: 'float64' });
    const targets = tensor([[0, 3, -100], [2, 1, 1]], { dtype: 'int32' });
    const flat = crossEntropy(reshape(logits, [6, 4]), reshape(targets, [6]), { labelSmoothing: 0.2 }).item();
    expect(crossEntropy(logits, targets, { labelSmoothing: 0.2 }).item()).toBeCloseTo(flat, 14);
    expect(crossEntropy(logits, targets, { reduction: 'none' }).shape).toEqual([2, 3]);
  });

  it('returns 0 with zero gradient when every row is ignored (PyTorch gives NaN)', () => {
    const logits = new Rng(1).normal([3, 4], { dtype: 'float64' });
    const targets = tensor([-100, -100, -100], { dtype: 'int32' });
    const g = grad((l: Tensor) => crossEntropy(l, targets))(logits);
    expect(crossEntropy(logits, targets).item()).toBe(0);
    expect(Array.from(g.data).every((v) => v === 0)).toBe(true);
  });

  it('honours a custom ignoreIndex, and then checks -100 like any other target', () => {
    const logits = tensor([[0, 1], [2, 0]], { dtype: 'float64' });
    const value = crossEntropy(logits, tensor([1, 3], { dtype: 'int32' }), { ignoreIndex: 3 }).item();
    expect(value).toBeCloseTo(referenceRow([0, 1], 1, 0), 14);
    expect(() => crossEntropy(logits, tensor([1, -100], { dtype: 'int32' }), { ignoreIndex: 3 })).toThrow(ValueError);
  });

  it('rejects bad input with errors that name the function and the problem', () => {
    const logits = new Rng(0).normal([4, 5]);
    const targets = tensor([0, 1, 2, 3], { dtype: 'int32' });
    expect(() => crossEntropy(logits, tensor([0, 1, 2], { dtype: 'int32' }))).toThrow(new ShapeError('crossEntropy: logits [4,5] and targets [3] disagree on N (targets must be [4])'));
    expect(() => crossEntropy(new Rng(0).normal([2, 3, 5]), targets)).toThrow(/crossEntropy: logits \[2,3,5\] and targets \[4\] disagree on the leading axes/);
    expect(() => crossEntropy(logits, tensor([0, 1, 2, 3]))).toThrow(new DTypeError('crossEntropy: targets must be int32 class indices, got float32'));
    expect(() => crossEntropy(logits, tensor([0, 5, 2, 3], { dtype: 'int32' }))).toThrow(new ValueError('crossEntropy: targets[1] = 5 is out of range [0, 5)'));
    expect(() => crossEntropy(logits, tensor([0, -1, 2, 3], { dtype: 'int32' }))).toThrow(/targets\[1\] = -1 is out of range/);
    expect(() => crossEntropy(logits, targets, { labelSmoothing: 1.5 })).toThrow(new ValueError('crossEntropy: labelSmoothing must be in [0, 1], got 1.5'));
    expect(() => crossEntropy(logits, targets, { labelSmoothing: -0.1 })).toThrow(ValueError);
    expect(() => crossEntropy(logits, targets, { ignoreIndex: 0.5 })).toThrow(/ignoreIndex must be an integer/);
    expect(() => crossEntropy(logits, targets, { reduction: 'avg' as 'mean' })).toThrow(/reduction must be 'mean', 'sum' or 'none', got 'avg'/);
    expect(() => crossEntropy(tensor([[1, 2]], { dtype: 'int32' }), tensor([0], { dtype: 'int32' }))).toThrow(DTypeError);
  });
});
