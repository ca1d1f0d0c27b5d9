import type { Tensor } from '@tapestry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GradientTransformation, Optimizer } from '../src/index.js';
import {
  adagrad,
  adam,
  adamw,
  applyIfFinite,
  chain,
  clipByGlobalNorm,
  clipByValue,
  cosineDecay,
  exponentialDecay,
  globalNorm,
  identity,
  injectHyperparams,
  linearWarmup,
  rmsprop,
  sgd,
  stepDecay,
  warmupCosineDecay,
} from '../src/index.js';
import { bitEqual, numRuns, quadraticArb, quadraticGrad, quadraticLoss, smallGrads, smallParams, t } from './helpers.js';

/**
 * Each optimizer with a learning rate `lr · factor`; the factor keeps the first-order
 * decrease ahead of the curvature term for methods whose first step is not `lr · g`
 * (RMSprop's first step is about `10 · lr · sign(g)`).
 */
const optimizers: Record<string, (lr: number) => Optimizer<unknown>> = {
  sgd: (lr) => sgd({ lr }),
  'sgd momentum': (lr) => sgd({ lr, momentum: 0.9 }),
  'sgd nesterov': (lr) => sgd({ lr, momentum: 0.9, nesterov: true }),
  'sgd dampening': (lr) => sgd({ lr, momentum: 0.5, dampening: 0.5 }),
  adam: (lr) => adam({ lr }),
  'adam amsgrad': (lr) => adam({ lr, amsgrad: true }),
  adamw: (lr) => adamw({ lr, weightDecay: 1e-4 }),
  rmsprop: (lr) => rmsprop({ lr: lr / 100 }),
  'rmsprop centered momentum': (lr) => rmsprop({ lr: lr / 1000, centered: true, momentum: 0.9 }),
  adagrad: (lr) => adagrad({ lr }),
  'adagrad lrDecay': (lr) => adagrad({ lr, lrDecay: 0.1 }),
  'clip + adam': (lr) => chain(clipByGlobalNorm(1), adam({ lr })),
  'clipByValue + sgd': (lr) => chain(clipByValue(0.5), sgd({ lr })),
  'applyIfFinite(adam)': (lr) => applyIfFinite(adam({ lr })),
  'injected adam, cosine lr': (lr) => injectHyperparams(adam)({ lr: cosineDecay({ init: lr, decaySteps: 20 }) }),
};

describe('every optimizer decreases a random convex quadratic with a small enough rate', () => {
  for (const [name, make] of Object.entries(optimizers)) {
    it(name, () => {
      fc.assert(
        fc.property(quadraticArb, (q) => {
          const trace = q.a.reduce((s, row, i) => s + row[i], 0);
          // Small enough that lr · n · trace(A) (a bound on the curvature term) is 1e-3.
          const opt = make(1e-3 / (q.n * trace));
          let params = { x: t(q.x0) };
          let state = opt.init(params);
          let loss = quadraticLoss(q, params.x.data);
          const start = loss;
          for (let k = 0; k < 10; k++) {
            [params, state] = opt.step({ x: t(quadraticGrad(q, params.x.data)) }, state, params);
            const next = quadraticLoss(q, params.x.data);
            expect(next).toBeLessThanOrEqual(loss);
            loss = next;
          }
          expect(loss).toBeLessThan(start);
        }),
        { numRuns },
      );
    });
  }
});

const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true });
const gradsArb = fc.record({
  w: fc.array(finite, { minLength: 6, maxLength: 6 }).map((v) => t(v, [2, 3])),
  b: fc.array(finite, { minLength: 2, maxLength: 2 }).map((v) => t(v, [2])),
  deep: fc.array(finite, { minLength: 1, maxLength: 5 }).map((v) => [t(v)]),
});

describe('chain', () => {
  it('of identity transformations is the identity (same tensors, any number of parts)', () => {
    fc.assert(
      fc.property(gradsArb, fc.integer({ min: 0, max: 5 }), (grads, k) => {
        const tx = chain(...Array.from({ length: k }, () => identity()));
        const { updates } = tx.update(grads, tx.init(grads), grads);
        expect(updates.w).toBe(grads.w);
        expect(updates.deep[0]).toBe(grads.deep[0]);
        expect(bitEqual(updates, grads)).toBe(true);
      }),
      { numRuns },
    );
  });

  it('with identities around an optimizer behaves exactly like the optimizer', () => {
    const run = (opt: GradientTransformation<unknown>): Record<string, Tensor>[] => {
      let params = smallParams();
      let state = opt.init(params);
      const out = [];
      for (let k = 0; k < 4; k++) {
        const r = opt.update(smallGrads(k), state, params);
        state = r.state;
        out.push(r.updates as unknown as Record<string, Tensor>);
        params = smallParams();
      }
      return out;
    };
    const plain = run(adam({ lr: 0.01, weightDecay: 0.1 }));
    const wrapped = run(chain(identity(), adam({ lr: 0.01, weightDecay: 0.1 }), identity()));
    plain.forEach((u, k) => expect(bitEqual(u, wrapped[k])).toBe(true));
  });
});

describe('clipByGlobalNorm', () => {
  it('bounds the norm, keeps the direction and records the pre-clip norm', () => {
    fc.assert(
      fc.property(gradsArb, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (grads, maxNorm) => {
        const clip = clipByGlobalNorm(maxNorm);
        const { updates, state } = clip.update(grads, clip.init(grads));
        const norm = globalNorm(grads);
        expect(state.lastNorm).toBe(norm);
        expect(globalNorm(updates)).toBeLessThanOrEqual(maxNorm * (1 + 1e-12));
        const factor = Math.min(1, maxNorm / (norm + 1e-6));
        const expected = Array.from(grads.w.data, (x) => x * factor);
        expect(Array.from(updates.w.data)).toEqual(expected);
      }),
      { numRuns },
    );
  });
});

/** Asserts `f(s1) ≤ f(s2)` (or ≥) for all steps s1 ≤ s2. */
function monotone(schedule: (step: number) => number, direction: 'up' | 'down'): fc.IPropertyWithHooks<[number, number]> {
  return fc.property(fc.nat(5000), fc.nat(5000), (s1, s2) => {
    const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
    if (direction === 'down') expect(schedule(hi)).toBeLessThanOrEqual(schedule(lo));
    else expect(schedule(hi)).toBeGreaterThanOrEqual(schedule(lo));
  });
}

describe('schedules are monotone where they should be', () => {
  const rate = fc.double({ min: 0, max: 1, noNaN: true });
  const init = fc.double({ min: 0, max: 10, noNaN: true });
  const steps = fc.integer({ min: 1, max: 2000 });

  it('stepDecay with gamma ≤ 1 never increases', () => {
    fc.assert(
      fc.property(init, steps, rate, (i, s, g) => {
        fc.assert(monotone(stepDecay({ init: i, stepSize: s, gamma: g }), 'down'), { numRuns: 5 });
      }),
      { numRuns },
    );
  });

  it('exponentialDecay with rate ≤ 1 never increases (smooth, staircase, bounded)', () => {
    fc.assert(
      fc.property(init, steps, rate, fc.boolean(), fc.option(fc.double({ min: 0, max: 1, noNaN: true })), (i, s, r, stair, end) => {
        const schedule = exponentialDecay({ init: i, decayRate: r, transitionSteps: s, staircase: stair, endValue: end ?? undefined });
        fc.assert(monotone(schedule, 'down'), { numRuns: 5 });
      }),
      { numRuns },
    );
  });

  it('cosineDecay from init to end ≤ init never increases and ends at end', () => {
    fc.assert(
      fc.property(init, steps, rate, (i, s, frac) => {
        const schedule = cosineDecay({ init: i, decaySteps: s, end: i * frac });
        fc.assert(monotone(schedule, 'down'), { numRuns: 5 });
        expect(schedule(0)).toBeCloseTo(i, 12);
        expect(schedule(s)).toBeCloseTo(i * frac, 12);
        expect(schedule(s + 10)).toBe(schedule(s));
      }),
      { numRuns },
    );
  });

  it('linearWarmup to a peak ≥ init never decreases and reaches the peak', () => {
    fc.assert(
      fc.property(init, init, fc.nat(2000), (a, b, w) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const schedule = linearWarmup({ init: lo, peak: hi, warmupSteps: w });
        fc.assert(monotone(schedule, 'up'), { numRuns: 5 });
        expect(schedule(w)).toBe(hi);
      }),
      { numRuns },
    );
  });

  it('warmupCosineDecay rises to the peak, then falls', () => {
    fc.assert(
      fc.property(init, fc.nat(500), fc.integer({ min: 1, max: 2000 }), (peak, warmup, decay) => {
        const schedule = warmupCosineDecay({ peak, warmupSteps: warmup, decaySteps: warmup + decay });
        const up = (s: number): number => schedule(Math.min(s, warmup));
        const down = (s: number): number => schedule(warmup + s);
        fc.assert(monotone(up, 'up'), { numRuns: 5 });
        fc.assert(monotone(down, 'down'), { numRuns: 5 });
        expect(schedule(warmup)).toBeCloseTo(peak, 12);
      }),
      { numRuns },
    );
  });
});
