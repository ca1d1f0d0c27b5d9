import { applyUpdates } from './apply-updates.js';
import type { GradientTransformation, UpdateResult } from './transformation.js';

/**
 * A gradient transformation that can also take a whole training step: transform the
 * gradients, add the updates to the parameters, return both. Every optimizer and
 * combinator of this package returns one.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = adam({ lr: 1e-3 });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
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
 * import { add, grad, mapTree, mul, sign, square, sum, tensor } from '@tapestry/core';
 * import { asOptimizer, type EmptyState, type GradientTransformation } from '@tapestry/optim';
 * // Sign descent: every update is −0.01 · sign(g).
 * const signDescent: GradientTransformation<EmptyState> = {
 *   init: () => ({}),
 *   update: (updates, state) => ({ updates: mapTree(updates, (g) => mul(sign(g), -0.01)) as typeof updates, state }),
 * };
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = asOptimizer(signDescent);
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
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
