import type { Tensor } from '@tapestry/core';
import { fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, checkRange, hyperAt } from './hyper.js';
import { allocLike, floatData, mapPairs, pairLeaves } from './leaves.js';
import type { Moments } from './moments.js';
import { initMoments, momentData, momentsByPath, rebuild } from './moments.js';
import type { GradientTransformation } from './transformation.js';

/** Options of {@link scaleByAdagrad}. */
export interface ScaleByAdagradOptions {
  /** Starting value of the squared-gradient sum, ≥ 0 (default 0). */
  readonly initialAccumulatorValue?: number;
  /** Added to the root of the sum, ≥ 0 (default 1e-10); may be a schedule. */
  readonly eps?: Hyper;
}

/** State of {@link scaleByAdagrad}. */
export interface ScaleByAdagradState {
  /** Updates seen so far. */
  readonly count: number;
  /** Sum of squared updates to date (≥ 0), shaped like the parameters. */
  readonly sumOfSquares: Moments;
}

/**
 * Adagrad's preconditioner as PyTorch computes it: `s = s + g²`, output `g / (√s + eps)`
 * (Optax's `scale_by_rss` puts `eps` inside the root).
 *
 * @example
 * ```ts
 * import { chain, scaleByAdagrad, scaleByLearningRate } from '@tapestry/optim';
 * const myAdagrad = chain(scaleByAdagrad({ initialAccumulatorValue: 0.1 }), scaleByLearningRate(0.01));
 * ```
 */
export function scaleByAdagrad(options: ScaleByAdagradOptions = {}): GradientTransformation<ScaleByAdagradState> {
  return adagradLink('scaleByAdagrad', options);
}

/** {@link scaleByAdagrad} whose errors name `owner` (the optimizer it is part of). */
export function adagradLink(owner: string, options: ScaleByAdagradOptions): GradientTransformation<ScaleByAdagradState> {
  const { initialAccumulatorValue = 0, eps = 1e-10 } = options;
  checkRange(owner, 'initialAccumulatorValue', initialAccumulatorValue, 'nonNegative');
  checkHyper(owner, 'eps', eps, 'nonNegative');
  return {
    init: (params) => Object.freeze({ count: 0, sumOfSquares: initMoments(owner, params, initialAccumulatorValue) }),
    update(updates, state, params) {
      const pairs = pairLeaves(owner, updates, params);
      const sums = momentsByPath(owner, pairs, state.sumOfSquares);
      const e = hyperAt(owner, 'eps', eps, 'nonNegative', state.count);
      const next = new Map<string, Tensor>();
      const out = mapPairs(updates, pairs, ({ path, grad }) => {
        const g = floatData(grad);
        const s = momentData(sums, path);
        const [u, sNext] = [allocLike(grad), allocLike(grad)];
        for (let i = 0; i < u.length; i++) {
          const si = (sNext[i] = s[i] + g[i] * g[i]);
          u[i] = g[i] / (Math.sqrt(si) + e);
        }
        next.set(path, fromStorage(grad.shape, sNext));
        return fromStorage(grad.shape, u);
      });
      return { updates: out, state: Object.freeze({ count: state.count + 1, sumOfSquares: rebuild(state.sumOfSquares, (_, p) => next.get(p)!) }) };
    },
  };
}
