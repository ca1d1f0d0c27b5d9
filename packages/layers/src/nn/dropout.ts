import type { Rng, Tensor } from '@tapestry/core';
import { DTypeError, ValueError, mul, normalizeAxis } from '@tapestry/core';
import { checkDropoutRate, dropoutMask } from './dropout-mask.js';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Probability of zeroing an element, in `[0, 1)`. */
  readonly p: number;
  /** Training mode drops; evaluation mode returns the input unchanged. */
  readonly training: boolean;
  /** Source of the mask; required when `training` and `p > 0`. */
  readonly rng?: Rng;
}

/** Options of {@link variationalDropout}. */
export interface VariationalDropoutOptions extends DropoutOptions {
  /** The axis along which the mask is shared (default 1: time in `[B, T, F]`). */
  readonly timeAxis?: number;
}

/** The rng to draw from, or undefined when this call does not drop anything. */
function activeRng(fn: string, x: Tensor, { p, training, rng }: DropoutOptions): Rng | undefined {
  checkDropoutRate(fn, p);
  if (!training || p === 0) return undefined;
  if (x.dtype === 'int32') throw new DTypeError(`${fn}: expected a float tensor, got int32`);
  if (rng === undefined) throw new ValueError(`${fn}: rng is required when training with p > 0`);
  return rng;
}

/**
 * Inverted dropout: in training, each element is zeroed with probability `p` and the
 * survivors are scaled by `1/(1 − p)`, so the expected output is the input and
 * evaluation needs no rescaling. In evaluation mode, or with `p = 0`, `x` is returned.
 *
 * @example
 * ```ts
 * import { Rng, ones } from '@tapestry/core';
 * import { dropout } from '@tapestry/layers';
 * const rng = new Rng(0);
 * const y = dropout(ones([4, 8]), { p: 0.5, training: true, rng }); // entries 0 or 2
 * const z = dropout(ones([4, 8]), { p: 0.5, training: false }); // the input itself
 * ```
 */
export function dropout(x: Tensor, options: DropoutOptions): Tensor {
  const rng = activeRng('dropout', x, options);
  return rng === undefined ? x : mul(x, dropoutMask(rng, x.shape, options.p, x.dtype));
}

/**
 * Variational ("locked") dropout (Gal & Ghahramani, 2016; Merity et al., 2017): one
 * mask per sequence, shared by every time step. For `x` `[B, T, F]` the mask is
 * `[B, 1, F]` and broadcasts over time, so a feature dropped for a sequence stays dropped
 * for all of it. Same scaling and evaluation behaviour as {@link dropout}.
 *
 * @example
 * ```ts
 * import { Rng, ones } from '@tapestry/core';
 * import { variationalDropout } from '@tapestry/layers';
 * const y = variationalDropout(ones([2, 5, 3]), { p: 0.5, training: true, rng: new Rng(0) });
 * // y[b, t, f] is the same for every t
 * ```
 */
export function variationalDropout(x: Tensor, options: VariationalDropoutOptions): Tensor {
  const rng = activeRng('variationalDropout', x, options);
  if (rng === undefined) return x;
  const axis = normalizeAxis('variationalDropout', options.timeAxis ?? 1, x.rank);
  const maskShape = x.shape.map((d, i) => (i === axis ? 1 : d));
  return mul(x, dropoutMask(rng, maskShape, options.p, x.dtype));
}
