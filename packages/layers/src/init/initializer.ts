import type { DType, Rng, Shape, Tensor } from '@tapestry/core';
import { ShapeError, formatShape } from '@tapestry/core';

/**
 * The common form of a parameter initializer once its settings are fixed: draw a
 * tensor of `shape` and `dtype` from `rng`. Layers accept one of these wherever the
 * default initialisation can be replaced.
 *
 * @example
 * ```ts
 * import { xavierUniform, type Initializer } from '@tapestry/layers';
 * const glorot: Initializer = (rng, shape, dtype) => xavierUniform(rng, shape, { dtype });
 * ```
 */
export type Initializer = (rng: Rng, shape: Shape, dtype: DType) => Tensor;

/** The option every initializer takes. */
export interface InitOptions {
  /** Element type of the result (default `float32`). */
  readonly dtype?: DType;
}

/** Fan-in and fan-out of a weight, as PyTorch's `_calculate_fan_in_and_fan_out` defines them. */
export interface Fans {
  /** `shape[1] × receptive field` (the number of inputs each output sees). */
  readonly fanIn: number;
  /** `shape[0] × receptive field`. */
  readonly fanOut: number;
}

/**
 * Fan-in and fan-out of a weight of shape `[out, in, ...kernel]`: the receptive field is
 * the product of the trailing dimensions (1 for a matrix). Throws a `ShapeError`
 * naming `caller` for rank < 2, where the fans are undefined.
 *
 * @example
 * ```ts
 * import { fans } from '@tapestry/layers';
 * fans([64, 16, 3]); // { fanIn: 48, fanOut: 192 }
 * ```
 */
export function fans(shape: Shape, caller = 'fans'): Fans {
  if (shape.length < 2) {
    throw new ShapeError(`${caller}: fan-in and fan-out need a shape of rank >= 2, got ${formatShape(shape)}`);
  }
  let receptive = 1;
  for (const d of shape.slice(2)) receptive *= d;
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}
