import { describe, expect, it } from 'vitest';
import type { Optimizer } from '../src/index.js';
import { adagrad, adam, adamw, applyUpdates, asOptimizer, identity, rmsprop, scale, scaleByLearningRate, sgd } from '../src/index.js';
import { bitEqual, smallGrads, smallParams, t, values } from './helpers.js';

/** Runs `steps` steps of `opt` on `{ x }` with gradients `grads[k]`, returning x after each. */
function trajectory(opt: Optimizer<unknown>, x0: number[], grads: number[][], dtype: 'float32' | 'float64' = 'float64'): number[][] {
  let params = { x: t(x0, [x0.length], dtype) };
  let state = opt.init(params);
  return grads.map((g) => {
    [params, state] = opt.step({ x: t(g, [g.length], dtype) }, state, params);
    return Array.from(params.x.data);
  });
}

const x0 = [0.5, -1.5, 2, 0];
const gradSeq = [
  [0.3, -0.2, 1.5, -0.01],
  [0.1, 0.4, -2, 0.02],
  [-0.5, 0.3, 0.7, 0],
  [0.2, -0.6, 0.1, 0.05],
];

/** PyTorch's RMSprop written per element with plain numbers, as in its documentation. */
function rmspropReference(o: { lr: number; alpha: number; eps: number; wd: number; momentum: number; centered: boolean }): number[][] {
  const p = [...x0];
  const sq = p.map(() => 0);
  const ga = p.map(() => 0);
  const buf = p.map(() => 0);
  return gradSeq.map((grad) => {
    for (let i = 0; i < p.length; i++) {
      const g = grad[i] + o.wd * p[i];
      sq[i] = o.alpha * sq[i] + (1 - o.alpha) * g * g;
      let avg = sq[i];
      if (o.centered) {
        ga[i] = o.alpha * ga[i] + (1 - o.alpha) * g;
        avg = sq[i] - ga[i] * ga[i];
      }
      const denom = Math.sqrt(avg) + o.eps;
      if (o.momentum > 0) {
        buf[i] = o.momentum * buf[i] + g / denom;
        p[i] -= o.lr * buf[i];
      } else p[i] -= (o.lr * g) / denom;
    }
    return [...p];
  });
}

/** PyTorch's Adagrad per element. */
function adagradReference(o: { lr: number; lrDecay: number; wd: number; init: number; eps: number }): number[][] {
  const p = [...x0];
  const sum = p.map(() => o.init);
  return gradSeq.map((grad, k) => {
    const clr = o.lr / (1 + k * o.lrDecay);
    for (let i = 0; i < p.length; i++) {
      const g = grad[i] + o.wd * p[i];
      sum[i] += g * g;
      p[i] -= (clr * g) / (Math.sqrt(sum[i]) + o.eps);
    }
    return [...p];
  });
}

function expectClose(actual: number[][], expected: number[][], rtol = 1e-12): void {
  actual.forEach((row, k) =>
    row.forEach((a, i) => {
      const e = expected[k][i];
      expect(Math.abs(a - e), `step ${k + 1}, element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(rtol * Math.abs(e) + 1e-300);
    }),
  );
}

describe('rmsprop matches a per-element reference of PyTorch’s formula', () => {
  const variants = {
    plain: { lr: 0.01, alpha: 0.99, eps: 1e-8, wd: 0, momentum: 0, centered: false },
    'centered, momentum, weight decay': { lr: 0.01, alpha: 0.9, eps: 1e-6, wd: 0.1, momentum: 0.9, centered: true },
  };
  for (const [name, o] of Object.entries(variants)) {
    it(name, () => {
      const opt = rmsprop({ lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.wd, momentum: o.momentum, centered: o.centered });
      expectClose(trajectory(opt, x0, gradSeq), rmspropReference(o));
    });
  }

  it('first step is lr · g / (√(1 − α) |g| + eps)', () => {
    const [first] = trajectory(rmsprop({ lr: 0.01 }), x0, gradSeq);
    expectClose([first], [x0.map((p, i) => p - (0.01 * gradSeq[0][i]) / (Math.sqrt(0.01) * Math.abs(gradSeq[0][i]) + 1e-8))]);
  });
});

describe('adagrad matches a per-element reference of PyTorch’s formula', () => {
  it('with lr decay, weight decay and an initial accumulator', () => {
    const o = { lr: 0.1, lrDecay: 0.05, wd: 0.01, init: 0.1, eps: 1e-10 };
    const opt = adagrad({ lr: o.lr, lrDecay: o.lrDecay, weightDecay: o.wd, initialAccumulatorValue: o.init, eps: o.eps });
    expectClose(trajectory(opt, x0, gradSeq), adagradReference(o));
  });

  it('first step is about lr · sign(g)', () => {
    const [first] = trajectory(adagrad({ lr: 0.1 }), x0, gradSeq);
    expectClose([first], [x0.map((p, i) => p - (0.1 * gradSeq[0][i]) / (Math.abs(gradSeq[0][i]) + 1e-10))]);
  });
});

describe('maximize ascends: same trajectory as descending on −g', () => {
  const negated = gradSeq.map((g) => g.map((x) => -x));
  const pairs: [string, (max: boolean) => Optimizer<unknown>][] = [
    ['sgd', (maximize) => sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.01, maximize })],
    ['adam', (maximize) => adam({ lr: 0.1, weightDecay: 0.01, maximize })],
    ['adamw', (maximize) => adamw({ lr: 0.1, maximize })],
    ['rmsprop', (maximize) => rmsprop({ lr: 0.1, centered: true, maximize })],
    ['adagrad', (maximize) => adagrad({ lr: 0.1, maximize })],
  ];
  for (const [name, make] of pairs) {
    it(name, () => {
      expect(trajectory(make(true), x0, gradSeq)).toEqual(trajectory(make(false), x0, negated));
    });
  }
});

describe('float32 and float64', () => {
  const makers: Record<string, () => Optimizer<unknown>> = {
    sgd: () => sgd({ lr: 0.1, momentum: 0.9, nesterov: true }),
    adam: () => adam({ lr: 0.01, amsgrad: true }),
    adamw: () => adamw({ lr: 0.01 }),
    rmsprop: () => rmsprop({ lr: 0.01, momentum: 0.5 }),
    adagrad: () => adagrad({ lr: 0.1 }),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: float32 keeps float32 and follows the float64 run to ~1e-6`, () => {
      let p32 = smallParams('float32');
      let s32 = make().init(p32);
      const opt = make();
      const ref = make();
      let p64 = smallParams('float64');
      let s64 = ref.init(p64);
      for (let k = 0; k < 5; k++) {
        [p32, s32] = opt.step(smallGrads(k, 'float32'), s32, p32);
        [p64, s64] = ref.step(smallGrads(k, 'float64'), s64, p64);
      }
      expect(p32.fc.weight.dtype).toBe('float32');
      expect(p32.layers[1].data).toBeInstanceOf(Float32Array);
      const a = values(p32);
      const b = values(p64);
      for (const key of Object.keys(b)) a[key].forEach((x, i) => expect(Math.abs(x - b[key][i])).toBeLessThan(1e-5 * (1 + Math.abs(b[key][i]))));
    });
  }
});

describe('parameters and gradients are values: never written', () => {
  it('for every optimizer', () => {
    const all: Optimizer<unknown>[] = [sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.1 }), adam({ weightDecay: 0.1 }), adamw(), rmsprop({ centered: true }), adagrad()];
    for (const opt of all) {
      const params = smallParams();
      const grads = smallGrads(0);
      const [p0, g0] = [values(params), values(grads)];
      let state = opt.init(params);
      let next = params;
      for (let k = 0; k < 3; k++) [next, state] = opt.step(grads, state, next);
      expect(values(params)).toEqual(p0);
      expect(values(grads)).toEqual(g0);
      expect(values(next)).not.toEqual(p0);
    }
  });
});

describe('step, update and applyUpdates', () => {
  it('step is update followed by applyUpdates, and keeps the tree structure', () => {
    const a = adam({ lr: 0.01 });
    const b = adam({ lr: 0.01 });
    const params = smallParams();
    const [stepped] = a.step(smallGrads(0), a.init(params), params);
    const { updates } = b.update(smallGrads(0), b.init(params), params);
    const applied = applyUpdates(params, updates);
    expect(bitEqual(stepped, applied)).toBe(true);
    expect(Object.keys(stepped)).toEqual(['fc', 'layers']);
    expect(Array.isArray(stepped.layers)).toBe(true);
  });

  it('plain SGD is exactly p − lr·g', () => {
    const params = smallParams();
    const grads = smallGrads(2);
    const opt = sgd({ lr: 0.3 });
    const [next] = opt.step(grads, opt.init(params), params);
    const p = values(params);
    const g = values(grads);
    for (const [key, xs] of Object.entries(values(next))) xs.forEach((x, i) => expect(x).toBe(p[key][i] - 0.3 * g[key][i]));
  });

  it('asOptimizer gives any transformation a step', () => {
    const params = smallParams();
    // identity passes the gradient through as the update: p + g.
    const [ascended] = asOptimizer(identity()).step(smallGrads(0), {}, params);
    expect(bitEqual(ascended, applyUpdates(params, smallGrads(0)))).toBe(true);
    // scale(−lr) is plain SGD.
    const descend = asOptimizer(scale(-0.5));
    const [next] = descend.step(smallGrads(1), descend.init(params), params);
    const plain = sgd({ lr: 0.5 });
    expect(bitEqual(next, plain.step(smallGrads(1), plain.init(params), params)[0])).toBe(true);
  });

  it('scaleByLearningRate accepts a schedule (and flipSign: false)', () => {
    const tx = scaleByLearningRate((step) => 2 ** step, { flipSign: false });
    let state = tx.init(t([1]));
    const outs: number[] = [];
    for (let k = 0; k < 3; k++) {
      const r = tx.update(t([3]), state);
      state = r.state;
      outs.push(r.updates.data[0]);
    }
    expect(outs).toEqual([3, 6, 12]);
  });
});

describe('adam details', () => {
  it('bias correction uses t = 1, 2, …: the first step moves each coordinate by lr (up to eps)', () => {
    const [first] = trajectory(adam({ lr: 0.01, eps: 0 }), x0.slice(0, 3), gradSeq.map((g) => g.slice(0, 3)));
    expect(first).toEqual(x0.slice(0, 3).map((p, i) => p - 0.01 * Math.sign(gradSeq[0][i])));
  });

  it('scheduled betas and lr are evaluated at the 0-based step', () => {
    const seen: number[] = [];
    const lr = (step: number): number => {
      seen.push(step);
      return 1e-3;
    };
    const opt = adam({ lr, betas: [(s) => 0.9 - 0.01 * s, 0.999] });
    trajectory(opt, x0, gradSeq);
    expect(seen).toEqual([0, 0, 1, 2, 3]); // the first 0 is the early check when adam is built
  });

  it('adamw decays parameters even with zero gradients', () => {
    const [first] = trajectory(adamw({ lr: 0.1, weightDecay: 0.5 }), [2, -4], [[0, 0]]);
    expect(first).toEqual([2 - 0.1 * 0.5 * 2, -4 + 0.1 * 0.5 * 4]);
  });
});
