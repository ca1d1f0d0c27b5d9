import type { Tensor } from '@tapestry/core';
import { zerosLike } from '@tapestry/core';
import { mapPairs, pairLeaves } from './leaves.js';
import type { Optimizer } from './optimizer.js';
import { asOptimizer } from './optimizer.js';
import type { GradientTransformation } from './transformation.js';

/** State of {@link applyIfFinite}. */
export interface ApplyIfFiniteState<S> {
  /** Updates skipped so far because the gradients held NaN or ±Infinity. */
  readonly skipped: number;
  /** Skips since the last applied update: 0 when the last update was applied. */
  readonly consecutiveSkips: number;
  /** The wrapped transformation's state; unchanged by a skipped update. */
  readonly inner: S;
}

/**
 * Guards a transformation against non-finite gradients: if any element of the
 * incoming updates is NaN or ±Infinity, the wrapped transformation is not run, its
 * state (step count, moments) stays as it was, the outgoing updates are zeros, and
 * the skip is counted.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, applyIfFinite, chain, clipByGlobalNorm } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = applyIfFinite(chain(clipByGlobalNorm(5), adam({ lr: 1e-3 })));
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * if (state.consecutiveSkips > 0) console.warn(`skipped ${state.skipped} updates so far`);
 * ```
 */
export function applyIfFinite<S>(inner: GradientTransformation<S>): Optimizer<ApplyIfFiniteState<S>> {
  return asOptimizer<ApplyIfFiniteState<S>>({
    init(params) {
      return Object.freeze({ skipped: 0, consecutiveSkips: 0, inner: inner.init(params) });
    },
    update(updates, state, params) {
      const pairs = pairLeaves('applyIfFinite', updates, params);
      if (allFinite(pairs.values())) {
        const result = inner.update(updates, state.inner, params);
        return { updates: result.updates, state: Object.freeze({ skipped: state.skipped, consecutiveSkips: 0, inner: result.state }) };
      }
      const zeros = mapPairs(updates, pairs, ({ grad }) => zerosLike(grad));
      const next = Object.freeze({ skipped: state.skipped + 1, consecutiveSkips: state.consecutiveSkips + 1, inner: state.inner });
      return { updates: zeros, state: next };
    },
  });
}

function allFinite(pairs: Iterable<{ readonly grad: Tensor }>): boolean {
  for (const { grad } of pairs) {
    const d = grad.data;
    // x − x is 0 for finite x and NaN for NaN and ±Infinity: one test per element.
    for (let i = 0; i < d.length; i++) if (d[i] - d[i] !== 0) return false;
  }
  return true;
}
