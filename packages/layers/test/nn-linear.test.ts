import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, ValueError, flatten, mean, ones, tensor, valueAndGrad, type Tensor } from '@tapestry/core';
import { checkGradients, propertyRuns } from '@tapestry/core/testing';
import { linear, type LinearParams } from '../src/nn/index.js';

/** y[n, o] = Σ_i x[n, i] W[o, i] + b[o], with plain loops over the flattened leading axes. */
function reference(x: Tensor, w: Tensor, b: Tensor | undefined): number[] {
  const [O, I] = w.shape;
  const N = x.size / I;
  const out: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      let s = b === undefined ? 0 : b.data[o];
      for (let i = 0; i < I; i++) s += x.data[n * I + i] * w.data[o * I + i];
      out.push(s);
    }
  }
  return out;
}

const layerArb = fc.record({
  leading: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  inF: fc.integer({ min: 1, max: 4 }),
  outF: fc.integer({ min: 1, max: 4 }),
  bias: fc.boolean(),
  seed: fc.nat(),
});

describe('linear', () => {
  it('computes x Wᵀ + b over the last axis for any leading shape', () => {
    fc.assert(
      fc.property(layerArb, ({ leading, inF, outF, bias, seed }) => {
        const rng = new Rng(seed);
        const params = linear.init(rng, inF, outF, { bias, dtype: 'float64' });
        const x = rng.normal([...leading, inF], { dtype: 'float64' });
        const y = linear.apply(params, x);
        expect(y.shape).toEqual([...leading, outF]);
        reference(x, params.weight, params.bias).forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 12));
      }),
      { numRuns: propertyRuns(30) },
    );
  });

  it('has the gradients of central differences wrt input, weight and bias', () => {
    fc.assert(
      fc.property(layerArb, ({ leading, inF, outF, seed }) => {
        const rng = new Rng(seed);
        const { weight, bias } = linear.init(rng, inF, outF, { dtype: 'float64' });
        const x = rng.normal([...leading, inF], { dtype: 'float64' });
        const report = checkGradients((xx, w, b) => linear.apply({ weight: w, bias: b }, xx), [x, weight, bias as Tensor]);
        expect(report.ok, report.summary).toBe(true);
      }),
      { numRuns: propertyRuns(25) },
    );
  });

  it('initialises like nn.Linear: weight [out, in] and bias [out], uniform within ±1/√in', () => {
    const params = linear.init(new Rng(7), 400, 50);
    expect(params.weight.shape).toEqual([50, 400]);
    expect(params.bias?.shape).toEqual([50]);
    expect(params.weight.dtype).toBe('float32');
    const bound = 1 / Math.sqrt(400);
    const w = Array.from(params.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // 20000 uniform draws: the largest |w| is within 0.1% of the bound with probability 1 − 0.999^20000 ≈ 1.
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.999 * bound);
    expect(Math.max(...Array.from(params.bias?.data ?? [], Math.abs))).toBeLessThanOrEqual(bound);
  });

  it('makes a plain tree whose flattened paths are PyTorch state-dict names', () => {
    const rng = new Rng(0);
    const model = { fc: linear.init(rng, 3, 2), head: linear.init(rng, 2, 1, { bias: false }) };
    expect(flatten(model).map((p) => p.path)).toEqual(['fc.weight', 'fc.bias', 'head.weight']);
    const loss = (p: typeof model, x: Tensor) => mean(linear.apply(p.head, linear.apply(p.fc, x)));
    const [, grads] = valueAndGrad(loss)(model, ones([4, 3]));
    expect(flatten(grads).map((p) => [p.path, p.leaf.shape])).toEqual([['fc.weight', [2, 3]], ['fc.bias', [2]], ['head.weight', [1, 2]]]);
  });

  it('uses custom initializers and is deterministic for a seed', () => {
    const params = linear.init(new Rng(0), 2, 3, { weightInit: (_r, s, d) => ones(s, d), biasInit: (_r, s, d) => tensor([1, 2, 3], { shape: s, dtype: d }) });
    expect(Array.from(linear.apply(params, tensor([[1, 2]])).data)).toEqual([4, 5, 6]);
    expect(linear.init(new Rng(5), 3, 3).weight.data).toEqual(linear.init(new Rng(5), 3, 3).weight.data);
  });

  it('rejects mismatched shapes and bad sizes, naming the layer and the shapes', () => {
    const params: LinearParams = linear.init(new Rng(0), 4, 3);
    expect(() => linear.apply(params, ones([2, 5]))).toThrow(new ShapeError('linear: input [2,5] must end in 4 features to match weight [3,4]'));
    expect(() => linear.apply({ weight: params.weight, bias: ones([4]) }, ones([2, 4]))).toThrow(/linear: bias \[4\] does not match weight \[3,4\]/);
    expect(() => linear.apply({ weight: ones([3]) }, ones([3]))).toThrow(/linear: weight must be \[out, in\], got \[3\]/);
    expect(() => linear.init(new Rng(0), 0, 3)).toThrow(new ValueError('linear.init: inFeatures must be a positive integer, got 0'));
    expect(() => linear.init(new Rng(0), 2, 1.5)).toThrow(/outFeatures must be a positive integer/);
  });
});
