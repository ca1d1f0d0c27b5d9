import type { Tensor } from '@tapestry/core';
import { fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, hyperAt } from './hyper.js';
import { allocLike, floatData, mapPairs, pairLeaves } from './leaves.js';
import type { Moments } from './moments.js';
import { initMoments, momentData, momentsByPath, rebuild } from './moments.js';
import type { GradientTransformation } from './transformation.js';

/** Options of {@link scaleByRms}. Numbers may also be schedules of the step count. */
export interface ScaleByRmsOptions {
  /** Smoothing constant of the averages, in [0, 1) (default 0.99, PyTorch's `alpha`). */
  readonly alpha?: Hyper;
  /** Added to the root of the average, ≥ 0 (default 1e-8). */
  readonly eps?: Hyper;
  /** Normalise by the variance estimate `E[g²] − E[g]²` instead of `E[g²]`. */
  readonly centered?: boolean;
}

/** State of {@link scaleByRms}. */
export interface ScaleByRmsState {
  /** Updates seen so far. */
  readonly count: number;
  /** Running average of `g²` (≥ 0), shaped like the parameters. */
  readonly nu: Moments;
  /** Running average of `g`, with `centered` only. */
  readonly mu?: Moments;
}

/**
 * RMSprop's preconditioner as PyTorch computes it: `nu = α nu + (1 − α) g²`, output
 * `g / (√nu + eps)`; with `centered`, also `mu = α mu + (1 − α) g` and the denominator
 * `√(nu − mu²) + eps` (Optax's `scale_by_stddev`). `eps` is outside the root.
 *
 * @example
 * ```ts
 * import { chain, scaleByLearningRate, scaleByRms, trace } from '@tapestry/optim';
 * const centeredRmsprop = chain(scaleByRms({ centered: true }), trace({ momentum: 0.9 }), scaleByLearningRate(1e-3));
 * ```
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsState> {
  return rmsLink('scaleByRms', options);
}

/** {@link scaleByRms} whose errors name `owner` (the optimizer it is part of). */
export function rmsLink(owner: string, options: ScaleByRmsOptions): GradientTransformation<ScaleByRmsState> {
  const { alpha = 0.99, eps = 1e-8, centered = false } = options;
  checkHyper(owner, 'alpha', alpha, 'beta');
  checkHyper(owner, 'eps', eps, 'nonNegative');
  return {
    init(params) {
      const nu = initMoments(owner, params);
      return Object.freeze(centered ? { count: 0, nu, mu: initMoments(owner, params) } : { count: 0, nu });
    },
    update(updates, state, params) {
      const pairs = pairLeaves(owner, updates, params);
      const nu = momentsByPath(owner, pairs, state.nu);
      const mu = centered ? momentsByPath(owner, pairs, state.mu ?? {}) : undefined;
      const a = hyperAt(owner, 'alpha', alpha, 'beta', state.count);
      const e = hyperAt(owner, 'eps', eps, 'nonNegative', state.count);
      const nextNu = new Map<string, Tensor>();
      const nextMu = new Map<string, Tensor>();
      const out = mapPairs(updates, pairs, ({ path, grad }) => {
        const g = floatData(grad);
        const v = momentData(nu, path);
        const m = mu && momentData(mu, path);
        const [u, vNext, mNext] = [allocLike(grad), allocLike(grad), m && allocLike(grad)];
        for (let i = 0; i < u.length; i++) {
          const gi = g[i];
          const vi = (vNext[i] = a * v[i] + (1 - a) * gi * gi);
          if (m === undefined || mNext === undefined) u[i] = gi / (Math.sqrt(vi) + e);
          else {
            const mi = (mNext[i] = a * m[i] + (1 - a) * gi);
            u[i] = gi / (Math.sqrt(vi - mi * mi) + e);
          }
        }
        nextNu.set(path, fromStorage(grad.shape, vNext));
        if (mNext !== undefined) nextMu.set(path, fromStorage(grad.shape, mNext));
        return fromStorage(grad.shape, u);
      });
      const count = state.count + 1;
      const nuTree = rebuild(state.nu, (_, p) => nextNu.get(p)!);
      return { updates: out, state: Object.freeze(centered ? { count, nu: nuTree, mu: rebuild(state.mu, (_, p) => nextMu.get(p)!) } : { count, nu: nuTree }) };
    },
  };
}
