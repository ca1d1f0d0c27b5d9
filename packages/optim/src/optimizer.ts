import { applyUpdates } from './apply-updates.js';
import type { GradientTransformation, UpdateResult } from './transformation.js';

/**
 * A gradient transformation that can also take a whole training step: transform the
 * gradients, add the updates to the parameters, return both. Every optimizer and
 * combinator of this package returns one.
 *
 * @example
 * ```ts
 * import { adam } from '@tapestry/optim';
 * const opt = adam({ lr: 1e-3 });
 * let state = opt.init(params);
 * [params, state] = opt.step(grads, state, params);
 * ```
 */
export interface Optimizer<S> extends GradientTransformation<S> {
  /** `update` followed by `applyUpdates`: returns the new parameters and state. */
  step<P>(grads: P, state: S, params: P): [P, S];
}

/**
 * Adds `step` to any gradient transformation (e.g. a hand-written one).
 *
 * @example
 * ```ts
 * import { asOptimizer } from '@tapestry/optim';
 * const opt = asOptimizer(myTransformation);
 * [params, state] = opt.step(grads, state, params);
 * ```
 */
export function asOptimizer<S>(tx: GradientTransformation<S>): Optimizer<S> {
  return {
    init<P>(params: P): S {
      return tx.init(params);
    },
    update<P>(updates: P, state: S, params?: P): UpdateResult<P, S> {
      return tx.update(updates, state, params);
    },
    step<P>(grads: P, state: S, params: P): [P, S] {
      const result = tx.update(grads, state, params);
      return [applyUpdates(params, result.updates), result.state];
    },
  };
}
