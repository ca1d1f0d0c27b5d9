import type { Tensor } from '@tapestry/core';
import { fromStorage } from '@tapestry/core';
import { checkRange } from './hyper.js';
import type { EmptyState } from './identity.js';
import { allocLike, floatData, mapPairs, pairLeaves, scaleAddByBackend } from './leaves.js';
import type { GradientTransformation } from './transformation.js';

/**
 * Multiplies every update by a constant `factor` (negative allowed), as Optax's `scale`.
 * `scale(-1)` turns descent into ascent; for a learning rate or any scheduled factor
 * use {@link scaleByLearningRate}.
 *
 * @example
 * ```ts
 * import { chain, clipByValue, scale } from '@tapestry/optim';
 * const clippedSgd = chain(clipByValue(1), scale(-0.01)); // SGD, lr 0.01, on clipped gradients
 * ```
 */
export function scale(factor: number): GradientTransformation<EmptyState> {
  checkRange('scale', 'factor', factor, 'finite');
  return {
    init: () => Object.freeze({}),
    update(updates, state) {
      const pairs = pairLeaves('scale', updates, undefined, 'update');
      return { updates: mapPairs(updates, pairs, ({ grad }) => scaledBy(grad, factor)), state };
    },
  };
}

/** `t · factor` as a new tensor of `t`'s dtype. */
export function scaledBy(t: Tensor, factor: number): Tensor {
  const out = allocLike(t);
  const d = floatData(t);
  if (scaleAddByBackend(d, factor, undefined, out)) return fromStorage(t.shape, out);
  for (let i = 0; i < out.length; i++) out[i] = factor * d[i];
  return fromStorage(t.shape, out);
}
