import type { Tensor } from '@tapestry/core';

/** One stage of a {@link sequential} pipeline: a layer with its parameters bound, or an activation. */
export type Stage = (x: Tensor) => Tensor;

/**
 * Composes stages left to right: `sequential(f, g, h)(x) = h(g(f(x)))`. Parameters stay
 * in the caller's tree; a stage closes over the part it uses, so gradients of the tree
 * work unchanged.
 *
 * @example
 * ```ts
 * import { Rng, tanh, type Tensor } from '@tapestry/core';
 * import { linear, sequential, type LinearParams } from '@tapestry/layers';
 * type Mlp = { fc1: LinearParams; fc2: LinearParams };
 * const rng = new Rng(0);
 * const params: Mlp = { fc1: linear.init(rng, 4, 16), fc2: linear.init(rng, 16, 1) };
 * const mlp = (p: Mlp, x: Tensor) =>
 *   sequential((h) => linear.apply(p.fc1, h), tanh, (h) => linear.apply(p.fc2, h))(x);
 * ```
 */
export function sequential(...stages: readonly Stage[]): Stage {
  return (x) => stages.reduce((h, stage) => stage(h), x);
}
