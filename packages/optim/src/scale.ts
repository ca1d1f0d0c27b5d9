import { fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, hyperAt } from './hyper.js';
import { allocLike, floatData, mapPairs, pairLeaves } from './leaves.js';
import type { GradientTransformation } from './transformation.js';

/** State of {@link scale}: the update count, for a scheduled factor. */
export interface ScaleState {
  /** Updates applied so far. */
  readonly count: number;
}

/**
 * Multiplies every update by `factor` (a number or a schedule; negative is allowed).
 * A building block: `chain(transform, scale(-lr))` turns a direction into an update.
 *
 * @example
 * ```ts
 * import { chain, clipByValue, scale } from '@tapestry/optim';
 * const clippedSgd = chain(clipByValue(1), scale(-0.01)); // SGD, lr 0.01, on clipped gradients
 * ```
 */
export function scale(factor: Hyper): GradientTransformation<ScaleState> {
  checkHyper('scale', 'factor', factor, 'finite');
  return {
    init() {
      return { count: 0 };
    },
    update(updates, state, params) {
      const pairs = pairLeaves('scale', updates, params, 'update');
      const f = hyperAt('scale', 'factor', factor, 'finite', state.count);
      const out = mapPairs(updates, pairs, ({ grad }) => {
        const data = allocLike(grad);
        const g = floatData(grad);
        for (let i = 0; i < data.length; i++) data[i] = f * g[i];
        return fromStorage(grad.shape, data);
      });
      return { updates: out, state: { count: state.count + 1 } };
    },
  };
}
