import type { Rng, Shape, Tensor } from '@tapestry/core';
import { ValueError } from '@tapestry/core';
import type { InitOptions } from './initializer.js';
import { fans } from './initializer.js';

/**
 * Uniform draws from `[-bound, bound)`.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { uniformInit } from '@tapestry/layers';
 * const w = uniformInit(new Rng(0), [64, 32], 0.1, { dtype: 'float64' });
 * ```
 */
export function uniformInit(rng: Rng, shape: Shape, bound: number, options: InitOptions = {}): Tensor {
  if (!(bound >= 0) || !Number.isFinite(bound)) throw new ValueError(`uniformInit: bound must be finite and >= 0, got ${bound}`);
  return rng.uniform(shape, { low: -bound, high: bound, dtype: options.dtype });
}

/**
 * Uniform draws from `±1/√fanIn`, the default of PyTorch's `nn.Linear` bias and of
 * every recurrent weight and bias (with `fanIn = hidden size`). A fan-in of 0 gives
 * zeros, as in PyTorch.
 */
export function fanInUniform(rng: Rng, shape: Shape, fanIn: number, options: InitOptions = {}): Tensor {
  if (!Number.isInteger(fanIn) || fanIn < 0) throw new ValueError(`fanInUniform: fanIn must be a non-negative integer, got ${fanIn}`);
  return uniformInit(rng, shape, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, options);
}

/**
 * PyTorch's default for every parameter of `nn.RNN`, `nn.LSTM`, `nn.GRU` and their
 * cells: uniform from `±1/√hiddenSize`, for weights and biases alike.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { pytorchRecurrentInit } from '@tapestry/layers';
 * const rng = new Rng(0);
 * const H = 16;
 * const weightHh = pytorchRecurrentInit(rng, [4 * H, H], H); // LSTM weight_hh_l0
 * ```
 */
export function pytorchRecurrentInit(rng: Rng, shape: Shape, hiddenSize: number, options: InitOptions = {}): Tensor {
  if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) {
    throw new ValueError(`pytorchRecurrentInit: hiddenSize must be a positive integer, got ${hiddenSize}`);
  }
  return uniformInit(rng, shape, 1 / Math.sqrt(hiddenSize), options);
}

/** Options of {@link kaimingUniform}. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (default √5, PyTorch's `nn.Linear` choice). */
  readonly a?: number;
}

/**
 * He/Kaiming uniform init for a leaky ReLU of slope `a`: bound
 * `√(2 / (1 + a²)) · √(3 / fanIn)`. With PyTorch's default `a = √5` the bound is exactly
 * `1/√fanIn`, which is how `nn.Linear` initialises its weight.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { kaimingUniform } from '@tapestry/layers';
 * const w = kaimingUniform(new Rng(0), [128, 64]); // bound 1/8, like nn.Linear(64, 128)
 * ```
 */
export function kaimingUniform(rng: Rng, shape: Shape, options: KaimingOptions = {}): Tensor {
  const { a = Math.sqrt(5) } = options;
  if (!Number.isFinite(a)) throw new ValueError(`kaimingUniform: a must be finite, got ${a}`);
  const { fanIn } = fans(shape, 'kaimingUniform');
  const gain = Math.sqrt(2 / (1 + a * a));
  return uniformInit(rng, shape, fanIn > 0 ? gain * Math.sqrt(3 / fanIn) : 0, options);
}
