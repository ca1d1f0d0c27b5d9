import type { Rng, Shape, Tensor } from '@tapestry/core';
import { ValueError } from '@tapestry/core';
import type { InitOptions } from './initializer.js';
import { fans } from './initializer.js';
import { uniformInit } from './uniform.js';

/** Options of the Xavier initializers. */
export interface XavierOptions extends InitOptions {
  /** Scale factor (default 1; e.g. 5/3 before tanh, as PyTorch's `calculate_gain('tanh')`). */
  readonly gain?: number;
}

function checkGain(fn: string, gain: number): void {
  if (!(gain >= 0) || !Number.isFinite(gain)) throw new ValueError(`${fn}: gain must be finite and >= 0, got ${gain}`);
}

/**
 * Xavier/Glorot uniform init: bound `gain · √(6 / (fanIn + fanOut))`, so the variance is
 * `gain² · 2 / (fanIn + fanOut)`. Fans as in PyTorch (rank >= 2).
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { xavierUniform } from '@tapestry/layers';
 * const w = xavierUniform(new Rng(0), [64, 32], { gain: 5 / 3 });
 * ```
 */
export function xavierUniform(rng: Rng, shape: Shape, options: XavierOptions = {}): Tensor {
  const { gain = 1 } = options;
  checkGain('xavierUniform', gain);
  const { fanIn, fanOut } = fans(shape, 'xavierUniform');
  const total = fanIn + fanOut;
  return uniformInit(rng, shape, total > 0 ? gain * Math.sqrt(6 / total) : 0, options);
}

/**
 * Xavier/Glorot normal init: N(0, std²) with `std = gain · √(2 / (fanIn + fanOut))`.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { xavierNormal } from '@tapestry/layers';
 * const w = xavierNormal(new Rng(0), [64, 32]);
 * ```
 */
export function xavierNormal(rng: Rng, shape: Shape, options: XavierOptions = {}): Tensor {
  const { gain = 1, dtype } = options;
  checkGain('xavierNormal', gain);
  const { fanIn, fanOut } = fans(shape, 'xavierNormal');
  const total = fanIn + fanOut;
  return rng.normal(shape, { std: total > 0 ? gain * Math.sqrt(2 / total) : 0, dtype });
}
