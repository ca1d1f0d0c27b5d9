import type { Rng, Shape, Tensor } from '@tapestry/core';
import { ValueError } from '@tapestry/core';
import type { InitOptions } from './initializer.js';

/** Options of {@link normalInit}. */
export interface NormalInitOptions extends InitOptions {
  /** Mean (default 0). */
  readonly mean?: number;
  /** Standard deviation (default 1). */
  readonly std?: number;
}

/**
 * Gaussian draws, N(0, 1) by default: PyTorch's initialisation of `nn.Embedding`.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { normalInit } from '@tapestry/layers';
 * const table = normalInit(new Rng(0), [1000, 64], { std: 0.02 });
 * ```
 */
export function normalInit(rng: Rng, shape: Shape, options: NormalInitOptions = {}): Tensor {
  const { mean = 0, std = 1, dtype } = options;
  if (!(std >= 0) || !Number.isFinite(std)) throw new ValueError(`normalInit: std must be finite and >= 0, got ${std}`);
  if (!Number.isFinite(mean)) throw new ValueError(`normalInit: mean must be finite, got ${mean}`);
  return rng.normal(shape, { mean, std, dtype });
}
