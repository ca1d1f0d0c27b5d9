import type { Tensor } from '@tapestry/core';
import { ValueError } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import type { GradientTransformation } from '../src/index.js';
import {
  adam,
  adamw,
  addDecayedWeights,
  applyUpdates,
  chain,
  masked,
  multiTransform,
  scale,
  scaleByAdagrad,
  scaleByAdam,
  scaleByLearningRate,
  scaleByRms,
  sgd,
  trace,
} from '../src/index.js';
import { bitEqual, smallGrads, smallParams, values } from './helpers.js';

type Tree = ReturnType<typeof smallParams>;

/** The outgoing updates of `steps` updates of `tx` on smallGrads(0..steps−1), with smallParams as parameters. */
function outputs(tx: GradientTransformation<unknown>, steps: number): Record<string, number[]>[] {
  const params = smallParams();
  let state = tx.init(params);
  const out: Record<string, number[]>[] = [];
  for (let k = 0; k < steps; k++) {
    const r = tx.update(smallGrads(k), state, params);
    state = r.state;
    out.push(values(r.updates));
  }
  return out;
}

/** The same per element: `f(k, g, p, path, i)` gives step k's expected output from the flat gradient and parameter. */
function expected(steps: number, f: (k: number, g: number, p: number, key: string, i: number) => number): Record<string, number[]>[] {
  const p = values(smallParams());
  return Array.from({ length: steps }, (_, k) => {
    const g = values(smallGrads(k));
    return Object.fromEntries(Object.entries(g).map(([key, gs]) => [key, gs.map((gi, i) => f(k, gi, p[key][i], key, i))]));
  });
}

/**
 * Per-element references evaluate the same formula in the same order as the primitive,
 * so they agree to the last bit in float64; a 4-ulp relative tolerance (1e-15) keeps
 * the tests independent of harmless reordering.
 */
function expectClose(actual: Record<string, number[]>[], wanted: Record<string, number[]>[]): void {
  actual.forEach((step, k) =>
    Object.entries(step).forEach(([key, xs]) =>
      xs.forEach((x, i) => {
        const e = wanted[k][key][i];
        expect(Math.abs(x - e), `step ${k}, ${key}[${i}]: ${x} vs ${e}`).toBeLessThanOrEqual(1e-15 * Math.abs(e));
      }),
    ),
  );
}

/** Per-element state kept by a reference implementation, by `key[i]`. */
function slots(): Map<string, number> {
  return new Map();
}

describe('each primitive against its per-element formula (float64)', () => {
  it('scale multiplies by a constant', () => {
    expectClose(outputs(scale(-2.5), 2), expected(2, (_k, g) => -2.5 * g));
  });

  it('scaleByLearningRate multiplies by −lr(step)', () => {
    const lr = (k: number): number => 0.1 / (1 + k);
    expectClose(outputs(scaleByLearningRate(lr), 3), expected(3, (k, g) => -lr(k) * g));
  });

  it('addDecayedWeights adds weightDecay · p, needs the parameters, and passes updates through at 0', () => {
    expectClose(outputs(addDecayedWeights(0.3), 2), expected(2, (_k, g, p) => g + 0.3 * p));
    const none = addDecayedWeights(0);
    const grads = smallGrads(0);
    expect(none.update(grads, none.init(grads)).updates.fc.weight).toBe(grads.fc.weight);
    const some = addDecayedWeights(0.1);
    expect(() => some.update(grads, some.init(grads))).toThrow('addDecayedWeights: weightDecay needs the parameters; pass them to update');
  });

  it('trace starts at g, then momentum · trace + (1 − dampening) · g', () => {
    const buf = slots();
    const ref = expected(4, (k, g, _p, key, i) => {
      const prev = buf.get(`${key}${i}`) ?? 0;
      const next = k === 0 ? g : 0.9 * prev + 0.75 * g;
      buf.set(`${key}${i}`, next);
      return next;
    });
    expectClose(outputs(trace({ momentum: 0.9, dampening: 0.25 }), 4), ref);
  });

  it('trace with nesterov outputs g + momentum · trace', () => {
    const buf = slots();
    const ref = expected(3, (k, g, _p, key, i) => {
      const next = k === 0 ? g : 0.8 * (buf.get(`${key}${i}`) ?? 0) + g;
      buf.set(`${key}${i}`, next);
      return g + 0.8 * next;
    });
    expectClose(outputs(trace({ momentum: 0.8, nesterov: true }), 3), ref);
    expect(() => trace({ momentum: 0.8, dampening: 0.1, nesterov: true })).toThrow('trace: nesterov needs a non-zero momentum and dampening 0');
  });

  for (const amsgrad of [false, true]) {
    it(`scaleByAdam${amsgrad ? ' with amsgrad (maximum of the raw second moment)' : ''}`, () => {
      const [m, v, vMax] = [slots(), slots(), slots()];
      const [b1, b2, eps] = [0.8, 0.9, 1e-6];
      const ref = expected(4, (k, g, _p, key, i) => {
        const at = `${key}${i}`;
        const mi = b1 * (m.get(at) ?? 0) + (1 - b1) * g;
        let vi = b2 * (v.get(at) ?? 0) + (1 - b2) * g * g;
        m.set(at, mi);
        v.set(at, vi);
        if (amsgrad) vMax.set(at, (vi = Math.max(vMax.get(at) ?? 0, vi)));
        return mi / (1 - b1 ** (k + 1)) / (Math.sqrt(vi) / Math.sqrt(1 - b2 ** (k + 1)) + eps);
      });
      expectClose(outputs(scaleByAdam({ betas: [b1, b2], eps, amsgrad }), 4), ref);
    });
  }

  for (const centered of [false, true]) {
    it(`scaleByRms${centered ? ', centered' : ''}`, () => {
      const [nu, mu] = [slots(), slots()];
      const ref = expected(3, (_k, g, _p, key, i) => {
        const at = `${key}${i}`;
        const v = 0.9 * (nu.get(at) ?? 0) + 0.1 * g * g;
        const m = 0.9 * (mu.get(at) ?? 0) + 0.1 * g;
        nu.set(at, v);
        mu.set(at, m);
        return g / (Math.sqrt(centered ? v - m * m : v) + 1e-8);
      });
      expectClose(outputs(scaleByRms({ alpha: 0.9, centered }), 3), ref);
    });
  }

  it('scaleByAdagrad divides by the root of the running sum of squares', () => {
    const sum = slots();
    const ref = expected(3, (_k, g, _p, key, i) => {
      const s = (sum.get(`${key}${i}`) ?? 0.1) + g * g;
      sum.set(`${key}${i}`, s);
      return g / (Math.sqrt(s) + 1e-10);
    });
    expectClose(outputs(scaleByAdagrad({ initialAccumulatorValue: 0.1 }), 3), ref);
  });
});

describe('the optimizers read as the Optax aliases: the same chains built by hand give the same bits', () => {
  const run = (tx: GradientTransformation<unknown>): Tree => {
    let params = smallParams();
    let state = tx.init(params);
    for (let k = 0; k < 4; k++) {
      const r = tx.update(smallGrads(k), state, params);
      [params, state] = [applyUpdates(params, r.updates), r.state];
    }
    return params;
  };

  it('adam = chain(scale(−1), addDecayedWeights(wd), scaleByAdam, scaleByLearningRate(lr))', () => {
    const alias = adam({ lr: 0.01, weightDecay: 0.1, maximize: true, amsgrad: true });
    const byHand = chain(scale(-1), addDecayedWeights(0.1), scaleByAdam({ amsgrad: true }), scaleByLearningRate(0.01));
    expect(bitEqual(run(alias), run(byHand))).toBe(true);
  });

  it('adamw = chain(scaleByAdam, addDecayedWeights(wd), scaleByLearningRate(lr))', () => {
    expect(bitEqual(run(adamw({ lr: 0.01 })), run(chain(scaleByAdam(), addDecayedWeights(1e-2), scaleByLearningRate(0.01))))).toBe(true);
  });

  it('sgd = chain(addDecayedWeights(wd), trace(momentum), scaleByLearningRate(lr))', () => {
    const alias = sgd({ lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 });
    const byHand = chain(addDecayedWeights(0.01), trace({ momentum: 0.9, dampening: 0.1 }), scaleByLearningRate(0.1));
    expect(bitEqual(run(alias), run(byHand))).toBe(true);
  });
});

describe('masked', () => {
  const grads = smallGrads(0);
  const params = smallParams();

  it('transforms the selected parameters only and keeps state for them alone', () => {
    for (const mask of [{ fc: { weight: true, bias: false }, layers: [false, true] }, (_p: Tensor, path: string) => path === 'fc.weight' || path === 'layers.1']) {
      const tx = masked(scaleByAdam(), mask);
      const state = tx.init(params);
      const { updates } = tx.update(grads, state, params);
      const alone = scaleByAdam().update({ w: grads.fc.weight, l: grads.layers[1] }, scaleByAdam().init({ w: params.fc.weight, l: params.layers[1] }));
      expect(bitEqual(updates.fc.weight, alone.updates.w)).toBe(true);
      expect(bitEqual(updates.layers[1], alone.updates.l)).toBe(true);
      expect(updates.fc.bias).toBe(grads.fc.bias);
      expect(updates.layers[0]).toBe(grads.layers[0]);
      const mu = state.inner.mu as { fc: { weight?: Tensor; bias?: Tensor }; layers: (Tensor | undefined)[] };
      expect([mu.fc.weight !== undefined, mu.fc.bias, mu.layers[0], mu.layers[1] !== undefined]).toEqual([true, undefined, undefined, true]);
    }
  });

  it('accepts a prefix of the parameter tree and names a parameter the mask does not cover', () => {
    const tx = masked(addDecayedWeights(0.5), { fc: true, layers: false });
    const { updates } = tx.update(grads, tx.init(params), params);
    expect(values(updates.fc)).toEqual(values(addDecayedWeights(0.5).update(grads.fc, { count: 0 }, params.fc).updates));
    expect(updates.layers[0]).toBe(grads.layers[0]);
    expect(() => masked(scaleByAdam(), { fc: true }).init(params)).toThrow("masked: the labels have no entry for parameter 'layers.0'");
    expect(() => masked(scaleByAdam(), { fc: { weight: { deeper: true } }, layers: true }).init(params)).toThrow(
      "masked: the labels hold a subtree where parameter 'fc.weight' is a tensor",
    );
  });
});

describe('multiTransform', () => {
  const labels = { fc: 'head', layers: 'body' } as const;
  const tx = multiTransform({ head: adam({ lr: 0.1 }), body: sgd({ lr: 0.01, momentum: 0.9 }) }, labels);

  it('gives each group its own transformation and state, as if run on that group alone', () => {
    let params = smallParams();
    let state = tx.init(params);
    const head = adam({ lr: 0.1 });
    const body = sgd({ lr: 0.01, momentum: 0.9 });
    let [pHead, sHead] = [params.fc, head.init(params.fc)];
    let [pBody, sBody] = [params.layers, body.init(params.layers)];
    for (let k = 0; k < 3; k++) {
      const g = smallGrads(k);
      [params, state] = tx.step(g, state, params);
      [pHead, sHead] = head.step(g.fc, sHead, pHead);
      [pBody, sBody] = body.step(g.layers, sBody, pBody);
    }
    expect(bitEqual(params, { fc: pHead, layers: pBody })).toBe(true);
    expect(state.head.adam.count).toBe(3);
    expect(state.body.momentum).toHaveProperty('trace');
  });

  it('names a parameter whose label has no transformation', () => {
    const bad = multiTransform({ head: adam() }, (_p, path) => (path.startsWith('fc') ? 'head' : 'frozen'));
    expect(() => bad.init(smallParams())).toThrow(ValueError);
    expect(() => bad.init(smallParams())).toThrow("multiTransform: parameter 'layers.0' has label 'frozen', which has no transformation (labels: head)");
  });
});
