import { describe, expect, it } from 'vitest';
import { Rng, add, mul, tanh, tensor, valueAndGrad, mean, flatten, type Tensor } from '@tapestry/core';
import { checkGradients } from '@tapestry/core/testing';
import { layerNorm, linear, sequential, type LayerNormParams, type LinearParams } from '../src/nn/index.js';

describe('sequential', () => {
  it('applies stages left to right', () => {
    const f = sequential((x) => add(x, 1), (x) => mul(x, 10), (x) => add(x, 2));
    expect(Array.from(f(tensor([0, 1])).data)).toEqual([12, 22]);
    const identity = sequential();
    const x = tensor([3]);
    expect(identity(x)).toBe(x);
  });

  it('composes layers whose parameters live in a plain tree, with gradients for every leaf', () => {
    type Mlp = { fc1: LinearParams; norm: LayerNormParams; fc2: LinearParams };
    const rng = new Rng(0);
    const params: Mlp = { fc1: linear.init(rng, 3, 4, { dtype: 'float64' }), norm: layerNorm.init(4, { dtype: 'float64' }), fc2: linear.init(rng, 4, 2, { dtype: 'float64' }) };
    const model = (p: Mlp, x: Tensor) =>
      sequential((h) => linear.apply(p.fc1, h), (h) => layerNorm.apply(p.norm, h), tanh, (h) => linear.apply(p.fc2, h))(x);
    const x = rng.normal([5, 3], { dtype: 'float64' });
    const byHand = linear.apply(params.fc2, tanh(layerNorm.apply(params.norm, linear.apply(params.fc1, x))));
    expect(model(params, x).data).toEqual(byHand.data);
    const [, grads] = valueAndGrad((p: Mlp) => mean(model(p, x)))(params);
    expect(flatten(grads).map((e) => e.path)).toEqual(['fc1.weight', 'fc1.bias', 'norm.weight', 'norm.bias', 'fc2.weight', 'fc2.bias']);
    const report = checkGradients((w1, w2) => model({ ...params, fc1: { ...params.fc1, weight: w1 }, fc2: { ...params.fc2, weight: w2 } }, x), [params.fc1.weight, params.fc2.weight]);
    expect(report.ok, report.summary).toBe(true);
  });
});
