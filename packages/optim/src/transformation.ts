/**
 * The one abstraction of this package: a gradient transformation, in the style of
 * Optax. Optimizers, clipping and guards are all transformations, and {@link chain}
 * composes them because every transformation maps updates to updates.
 */

/** What {@link GradientTransformation.update} returns. */
export interface UpdateResult<P, S> {
  /** The transformed updates, a tree with the structure of the incoming one. */
  readonly updates: P;
  /** The state to pass to the next call. */
  readonly state: S;
}

/**
 * A pair of pure functions over parameter trees.
 *
 * - `init(params)` builds the state (step counts, moment buffers) for `params`.
 * - `update(updates, state, params?)` transforms the incoming updates (the raw
 *   gradients for the first transformation of a chain) and returns the new state.
 *   The outgoing updates are *added* to the parameters by {@link applyUpdates}, so an
 *   optimizer's updates already carry the minus sign and the learning rate.
 *
 * `update` is pure: it never writes the incoming updates, the parameters or the old
 * state, and returns a new state (an immutable tree of tensors shaped like the
 * parameters, plus plain numbers). A state can therefore be reused, compared or saved
 * at any time, and a chain whose later link throws leaves the caller's state exactly
 * as it was.
 *
 * `params` is only needed by transformations that read the parameters (weight decay);
 * `Optimizer.step` always passes it.
 *
 * @typeParam S - the state: records, arrays, tensors and numbers.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { chain, clipByGlobalNorm, adam, applyUpdates } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const tx = chain(clipByGlobalNorm(5), adam({ lr: 2e-3 }));
 * let state = tx.init(params);
 * const { updates, state: next } = tx.update(grad(loss)(params), state, params);
 * params = applyUpdates(params, updates);
 * state = next;
 * ```
 */
export interface GradientTransformation<S> {
  /** Builds the initial state for a parameter tree. */
  init<P>(params: P): S;
  /** Transforms `updates` (a tree shaped like the parameters) and advances the state. */
  update<P>(updates: P, state: S, params?: P): UpdateResult<P, S>;
}

/** The state type of a transformation. */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;
