import { ValueError, fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, hyperAt } from './hyper.js';
import { allocLike, floatData, mapPairs, pairLeaves } from './leaves.js';
import type { GradientTransformation } from './transformation.js';

/** State of {@link addDecayedWeights}: the update count, for a scheduled decay. */
export interface AddDecayedWeightsState {
  /** Updates seen so far. */
  readonly count: number;
}

/**
 * Adds `weightDecay · p` to every update (`p` the parameter at the same path). Where it
 * sits in a chain decides which weight decay it is: *before* a preconditioner (as in
 * `adam`, `sgd`) it is PyTorch's L2 term in the gradient; *after* it and before the
 * learning rate (as in `adamw`) it is decoupled weight decay, `p ← p − lr · wd · p`.
 * Needs the parameters (`update(grads, state, params)`; `step` passes them). With a
 * decay of 0 the updates pass through unchanged.
 *
 * @example
 * ```ts
 * import { addDecayedWeights, chain, masked, scaleByAdam, scaleByLearningRate } from '@tapestry/optim';
 * // AdamW by hand, with no decay on one-dimensional parameters (biases):
 * const opt = chain(
 *   scaleByAdam(),
 *   masked(addDecayedWeights(1e-2), (p) => p.shape.length > 1),
 *   scaleByLearningRate(1e-3),
 * );
 * ```
 */
export function addDecayedWeights(weightDecay: Hyper): GradientTransformation<AddDecayedWeightsState> {
  return weightDecayLink('addDecayedWeights', weightDecay);
}

/** {@link addDecayedWeights} whose errors name `owner` (the optimizer it is part of). */
export function weightDecayLink(owner: string, weightDecay: Hyper): GradientTransformation<AddDecayedWeightsState> {
  checkHyper(owner, 'weightDecay', weightDecay, 'nonNegative');
  return {
    init: () => Object.freeze({ count: 0 }),
    update(updates, state, params) {
      const pairs = pairLeaves(owner, updates, params);
      const wd = hyperAt(owner, 'weightDecay', weightDecay, 'nonNegative', state.count);
      const next = Object.freeze({ count: state.count + 1 });
      if (wd === 0) return { updates, state: next };
      if (params === undefined) throw new ValueError(`${owner}: weightDecay needs the parameters; pass them to update`);
      const out = mapPairs(updates, pairs, ({ grad, param }) => {
        const data = allocLike(grad);
        const g = floatData(grad);
        const p = floatData(param!);
        for (let i = 0; i < data.length; i++) data[i] = g[i] + wd * p[i];
        return fromStorage(grad.shape, data);
      });
      return { updates: out, state: next };
    },
  };
}
