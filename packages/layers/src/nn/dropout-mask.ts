import type { DType, Rng, Shape, Tensor } from '@tapestry/core';
import { ValueError, allocate, checkShape, defaultFloat, fromStorage, sizeOf } from '@tapestry/core';

/** Throws a `ValueError` naming `fn` unless `0 <= p < 1`. */
export function checkDropoutRate(fn: string, p: number): void {
  if (!(p >= 0 && p < 1)) throw new ValueError(`${fn}: p must be in [0, 1), got ${p}`);
}

/**
 * An inverted-dropout mask: each element is `1/(1 − p)` with probability `1 − p`, else 0,
 * so `x · mask` has the expectation `x`. Draw one up front to reuse it (e.g. on the
 * hidden state at every step of a recurrent cell, as variational dropout does).
 *
 * @example
 * ```ts
 * import { Rng, mul, ones } from '@tapestry/core';
 * import { dropoutMask } from '@tapestry/layers';
 * const mask = dropoutMask(new Rng(0), [8, 32], 0.25); // values 0 or 4/3
 * const h = mul(ones([8, 32]), mask);
 * ```
 */
export function dropoutMask(rng: Rng, shape: Shape, p: number, dtype: DType = defaultFloat): Tensor {
  checkDropoutRate('dropoutMask', p);
  checkShape('dropoutMask', shape);
  const out = allocate(dtype, sizeOf(shape));
  const scale = 1 / (1 - p);
  for (let i = 0; i < out.length; i++) out[i] = rng.nextFloat() < p ? 0 : scale;
  return fromStorage([...shape], out);
}
