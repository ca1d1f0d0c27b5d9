/**
 * Moment buffers and their ownership.
 *
 * Buffer policy (the one place it is decided): a moment tensor (Adam's `mu`/`nu`, SGD's
 * momentum buffer, ...) is allocated by `init` or by `restoreState`, is referenced only
 * by the optimizer state, and is updated **in place** by `update`. Parameters and
 * gradients are never written: new parameters and updates are fresh arrays. Because of
 * the in-place moments, a state passed to `update` is consumed; {@link claimState}
 * makes a second use throw instead of silently applying the moments twice.
 */
import type { Tensor } from '@tapestry/core';
import { DTypeError, ShapeError, ValueError, flatten, fromStorage } from '@tapestry/core';
import type { LeafPair } from './leaves.js';
import { allocLike, checkFloat, formatPath, formatShape, sameShape } from './leaves.js';

/**
 * Per-parameter buffers keyed by the parameter's dotted path (`'lstm.weight_ih_l0'`).
 * The tensors are owned by the optimizer state and change in place on every update.
 */
export type Moments = Readonly<Record<string, Tensor>>;

/** The moments of an optimizer configuration that does not need them (no momentum, no amsgrad). */
export const noMoments: Moments = Object.freeze({});

/** One fresh buffer per parameter, filled with `fill`, with the parameter's shape and dtype. */
export function initMoments(owner: string, params: unknown, fill = 0): Moments {
  const out: Record<string, Tensor> = {};
  for (const { path, leaf } of flatten(params)) {
    checkFloat(owner, 'parameter', path, leaf);
    const data = allocLike(leaf);
    if (fill !== 0) data.fill(fill);
    out[path] = fromStorage(leaf.shape, data);
  }
  return out;
}

/**
 * Checks that the gradients cover exactly the parameters `moments` was initialised
 * for, with the same shapes and dtypes (so a wrong tree fails before any buffer moves).
 */
export function checkMoments(owner: string, pairs: Map<string, LeafPair>, moments: Moments): void {
  for (const [path, { grad }] of pairs) {
    const m = Object.hasOwn(moments, path) ? moments[path] : undefined;
    if (m === undefined) {
      throw new ShapeError(`${owner}: gradient for ${formatPath(path)} has no entry in the optimizer state (was the state initialised with these parameters?)`);
    }
    if (!sameShape(grad.shape, m.shape)) {
      throw new ShapeError(`${owner}: gradient for ${formatPath(path)} has shape ${formatShape(grad.shape)}, parameter has ${formatShape(m.shape)}`);
    }
    if (grad.dtype !== m.dtype) throw new DTypeError(`${owner}: gradient for ${formatPath(path)} is ${grad.dtype}, parameter is ${m.dtype}`);
  }
  const keys = Object.keys(moments);
  if (keys.length !== pairs.size) {
    const missing = keys.find((k) => !pairs.has(k));
    throw new ShapeError(`${owner}: no gradient for parameter ${formatPath(missing ?? '?')}`);
  }
}

const consumed = new WeakSet<object>();

/**
 * Marks `state` as consumed by an update; throws if it already was. Call it after all
 * validation and before the first buffer write.
 */
export function claimState(owner: string, state: object): void {
  if (consumed.has(state)) {
    throw new ValueError(
      `${owner}: this optimizer state was already passed to update; its moment buffers are updated in place, ` +
        'so use the state returned by the last update (or keep a copy with cloneState)',
    );
  }
  consumed.add(state);
}

/** True once `state` has been passed to an update that owns buffers. */
export function isConsumed(state: object): boolean {
  return consumed.has(state);
}
