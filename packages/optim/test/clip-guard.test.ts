import { describe, expect, it } from 'vitest';
import { adam, applyIfFinite, chain, clipByGlobalNorm, clipByValue, globalNorm, lastGradNorm, namedChain, sgd } from '../src/index.js';
import { bitEqual, sameTree, smallGrads, smallParams, t, values } from './helpers.js';

describe('clipByGlobalNorm inside a chain', () => {
  it('records the pre-clip norm for plotting: state[0].lastNorm, state.clip.lastNorm and lastGradNorm(state)', () => {
    const params = smallParams();
    const grads = smallGrads(0);
    const norm = globalNorm(grads);
    expect(norm).toBeGreaterThan(1);

    const opt = chain(clipByGlobalNorm(1), adam({ lr: 2e-3 }));
    let state = opt.init(params);
    expect(lastGradNorm(state)).toBeNaN(); // nothing measured yet
    [, state] = opt.step(grads, state, params);
    expect(state[0].lastNorm).toBe(norm);
    expect(lastGradNorm(state)).toBe(norm);

    const named = namedChain({ clip: clipByGlobalNorm(1), adam: adam({ lr: 2e-3 }) });
    const [, namedState] = named.step(grads, named.init(params), params);
    expect(namedState.clip.lastNorm).toBe(norm);

    const guarded = applyIfFinite(opt);
    const [, guardedState] = guarded.step(grads, guarded.init(params), params);
    expect(lastGradNorm(guardedState)).toBe(norm);
    expect(lastGradNorm(adam().init(params))).toBeUndefined();
  });

  it('chain(clipByGlobalNorm(5), adam) feeds adam the clipped gradients', () => {
    const params = smallParams();
    const big = smallGrads(1);
    const clip = clipByGlobalNorm(0.5);
    const { updates: clipped } = clip.update(big, clip.init(params));
    const a = chain(clipByGlobalNorm(0.5), adam({ lr: 0.01 }));
    const b = adam({ lr: 0.01 });
    expect(bitEqual(a.step(big, a.init(params), params)[0], b.step(clipped, b.init(params), params)[0])).toBe(true);
  });

  it('passes unclipped gradients through as the same tensors, and a scheduled maxNorm works', () => {
    const grads = { w: t([0.3, 0.4]) };
    const clip = clipByGlobalNorm((step) => (step === 0 ? 10 : 0.25));
    const r0 = clip.update(grads, clip.init(grads));
    expect(r0.updates.w).toBe(grads.w);
    const r1 = clip.update(grads, r0.state);
    expect(Array.from(r1.updates.w.data)).toEqual([0.3, 0.4].map((x) => x * (0.25 / (0.5 + 1e-6))));
    expect(r1.state).toEqual({ count: 2, lastNorm: 0.5 });
  });

  it('records a non-finite norm and lets the non-finite gradients through for a guard to see', () => {
    const grads = { w: t([Number.NaN, 1]) };
    const clip = clipByGlobalNorm(1);
    const { updates, state } = clip.update(grads, clip.init(grads));
    expect(state.lastNorm).toBeNaN();
    expect(updates.w.data[0]).toBeNaN();
  });
});

describe('clipByValue', () => {
  it('clamps every element to [−limit, limit], keeping NaN', () => {
    const clip = clipByValue(0.5);
    const grads = { a: t([-2, -0.5, 0.1, 0.7, Number.NaN]), b: [t([3])] };
    const { updates } = clip.update(grads, clip.init(grads));
    expect(Array.from(updates.a.data)).toEqual([-0.5, -0.5, 0.1, 0.5, Number.NaN]);
    expect(Array.from(updates.b[0].data)).toEqual([0.5]);
  });
});

describe('applyIfFinite', () => {
  it('skips updates with NaN or Infinity, counts them and keeps the inner state', () => {
    const opt = applyIfFinite(chain(clipByGlobalNorm(1), sgd({ lr: 0.1, momentum: 0.9 })));
    let params = smallParams();
    let state = opt.init(params);
    [params, state] = opt.step(smallGrads(0), state, params);
    const before = { params: values(params), inner: state.inner };

    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const grads = { ...smallGrads(1), layers: [smallGrads(1).layers[0], t([bad])] };
      [params, state] = opt.step(grads, state, params);
      expect(state.consecutiveSkips).toBeGreaterThan(0);
      expect(values(params)).toEqual(before.params);
      expect(sameTree(state.inner, before.inner)).toBe(true); // step counts, lastNorm and momentum unchanged
    }
    expect(state.skipped).toBe(3);
    expect(state.consecutiveSkips).toBe(3);

    [params, state] = opt.step(smallGrads(1), state, params);
    expect(state).toMatchObject({ skipped: 3, consecutiveSkips: 0 });
    expect(state.inner[1].lr.count).toBe(2);
    expect(values(params)).not.toEqual(before.params);
  });

  it('a skipped step does not advance schedules', () => {
    const seen: number[] = [];
    const lr = (step: number): number => {
      seen.push(step);
      return 0.1;
    };
    const opt = applyIfFinite(sgd({ lr }));
    let params = { w: t([1]) };
    let state = opt.init(params);
    for (const g of [1, Number.NaN, 1, Number.NaN, 1]) [params, state] = opt.step({ w: t([g]) }, state, params);
    expect(seen).toEqual([0, 0, 1, 2]); // the first 0 is sgd's check when it is built
    expect(state.skipped).toBe(2);
  });
});
