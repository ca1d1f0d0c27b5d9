import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, ValueError, ones, tensor, type Tensor } from '@tapestry/core';
import { checkGradients, propertyRuns } from '@tapestry/core/testing';
import { layerNorm } from '../src/nn/index.js';

/** Row by row with plain numbers: (x − μ)/√(σ² + eps)·w + b, σ² the biased variance. */
function reference(x: Tensor, w: Tensor | undefined, b: Tensor | undefined, eps: number): number[] {
  const F = x.shape[x.rank - 1];
  const out: number[] = [];
  for (let r = 0; r < x.size / F; r++) {
    const row = Array.from(x.data.subarray(r * F, (r + 1) * F));
    const mu = row.reduce((s, v) => s + v, 0) / F;
    const variance = row.reduce((s, v) => s + (v - mu) ** 2, 0) / F;
    row.forEach((v, f) => out.push(((v - mu) / Math.sqrt(variance + eps)) * (w?.data[f] ?? 1) + (b?.data[f] ?? 0)));
  }
  return out;
}

const normArb = fc.record({
  leading: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  F: fc.integer({ min: 1, max: 5 }),
  seed: fc.nat(),
  eps: fc.constantFrom(1e-5, 0.1),
});

function affine(rng: Rng, F: number) {
  return { weight: rng.normal([F], { dtype: 'float64' }), bias: rng.normal([F], { dtype: 'float64' }) };
}

/**
 * Rows whose features lie in disjoint unit intervals (feature f in f ± 0.4), so every row
 * with F > 1 has a spread of at least 0.2. LayerNorm varies on the scale of the row's
 * spread; the fourth-order differences of checkGradients (step 1e-3) have truncation
 * error ~(1e-3 / spread)⁴, which for a nearly constant row would exceed the tolerance
 * although the tape is exact.
 */
function spreadRows(rng: Rng, shape: number[]): Tensor {
  const F = shape[shape.length - 1];
  const noise = rng.uniform(shape, { low: -0.4, high: 0.4, dtype: 'float64' });
  return tensor(Array.from(noise.data, (v, i) => v + (i % F)), { shape, dtype: 'float64' });
}

describe('layerNorm', () => {
  it('normalises over the last axis and applies the elementwise affine', () => {
    fc.assert(
      fc.property(normArb, ({ leading, F, seed, eps }) => {
        const rng = new Rng(seed);
        const x = rng.normal([...leading, F], { dtype: 'float64', std: 3 });
        const { weight, bias } = affine(rng, F);
        const y = layerNorm.apply({ weight, bias }, x, { eps });
        expect(y.shape).toEqual(x.shape);
        reference(x, weight, bias, eps).forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 11));
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('has the gradients of central differences wrt input, weight and bias', () => {
    fc.assert(
      fc.property(normArb, ({ leading, F, seed, eps }) => {
        const rng = new Rng(seed);
        const x = spreadRows(rng, [...leading, F]);
        const { weight, bias } = affine(rng, F);
        const report = checkGradients((xx, w, b) => layerNorm.apply({ weight: w, bias: b }, xx, { eps }), [x, weight, bias]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(25) },
    );
  });

  it('starts as the plain normalisation: rows with mean 0 and variance σ²/(σ² + eps)', () => {
    const params = layerNorm.init(4, { dtype: 'float64' });
    expect(Array.from(params.weight?.data ?? [])).toEqual([1, 1, 1, 1]);
    expect(Array.from(params.bias?.data ?? [])).toEqual([0, 0, 0, 0]);
    // Row [1, 2, 3, 4]: μ = 2.5, σ² = 1.25.
    const y = layerNorm.apply(params, tensor([[1, 2, 3, 4]], { dtype: 'float64' }));
    const values = Array.from(y.data);
    const mu = values.reduce((s, v) => s + v, 0) / 4;
    const variance = values.reduce((s, v) => s + (v - mu) ** 2, 0) / 4;
    expect(mu).toBeCloseTo(0, 15);
    expect(variance).toBeCloseTo(1.25 / (1.25 + 1e-5), 12);
  });

  it('works without the affine or without the bias', () => {
    expect(layerNorm.init(3, { elementwiseAffine: false })).toEqual({});
    const noBias = layerNorm.init(3, { bias: false });
    expect(Object.keys(noBias)).toEqual(['weight']);
    const x = new Rng(1).normal([2, 3], { dtype: 'float64' });
    const y = layerNorm.apply({}, x);
    reference(x, undefined, undefined, 1e-5).forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 12));
  });

  it('rejects parameters of the wrong size and bad options', () => {
    const params = layerNorm.init(4);
    expect(() => layerNorm.apply(params, ones([2, 3]))).toThrow(new ShapeError('layerNorm: weight [4] does not match the 3 features of the input'));
    expect(() => layerNorm.apply(params, ones([2, 4]), { eps: -1 })).toThrow(ValueError);
    expect(() => layerNorm.init(0)).toThrow(/layerNorm.init: features must be a positive integer, got 0/);
  });
});
