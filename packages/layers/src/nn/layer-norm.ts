import type { DType, Tensor } from '@tapestry/core';
import { ShapeError, ValueError, add, defaultFloat, div, formatShape, mean, mul, ones, sqrt, square, sub, zeros } from '@tapestry/core';

/** Parameters of {@link layerNorm}: PyTorch's names; empty without the elementwise affine. */
export interface LayerNormParams {
  /** Scale `[features]`, initially ones. */
  readonly weight?: Tensor;
  /** Shift `[features]`, initially zeros. */
  readonly bias?: Tensor;
}

/** Options of {@link layerNorm}`.init`. */
export interface LayerNormInitOptions {
  /** Element type (default `float32`). */
  readonly dtype?: DType;
  /** Learn a per-feature scale and shift (default true). */
  readonly elementwiseAffine?: boolean;
  /** With the affine: learn the shift too (default true). */
  readonly bias?: boolean;
}

/** Options of {@link layerNorm}`.apply`. */
export interface LayerNormApplyOptions {
  /** Added to the variance before the square root (default 1e-5, as PyTorch). */
  readonly eps?: number;
}

function init(features: number, options: LayerNormInitOptions = {}): LayerNormParams {
  if (!Number.isInteger(features) || features <= 0) throw new ValueError(`layerNorm.init: features must be a positive integer, got ${features}`);
  const { dtype = defaultFloat, elementwiseAffine = true, bias = true } = options;
  if (!elementwiseAffine) return {};
  const weight = ones([features], dtype);
  return bias ? { weight, bias: zeros([features], dtype) } : { weight };
}

function checkParam(name: string, p: Tensor | undefined, features: number): void {
  if (p !== undefined && (p.rank !== 1 || p.shape[0] !== features)) {
    throw new ShapeError(`layerNorm: ${name} ${formatShape(p.shape)} does not match the ${features} features of the input`);
  }
}

function apply(params: LayerNormParams, x: Tensor, options: LayerNormApplyOptions = {}): Tensor {
  const { eps = 1e-5 } = options;
  if (!(eps >= 0)) throw new ValueError(`layerNorm: eps must be >= 0, got ${eps}`);
  if (x.rank === 0) throw new ShapeError('layerNorm: input must have at least one axis, got a scalar');
  const features = x.shape[x.rank - 1];
  checkParam('weight', params.weight, features);
  checkParam('bias', params.bias, features);
  // Composed from differentiable ops, so the gradient (and its gradient) is automatic.
  const centered = sub(x, mean(x, -1, true));
  const variance = mean(square(centered), -1, true); // biased, as PyTorch
  const normalized = div(centered, sqrt(add(variance, eps)));
  const scaled = params.weight === undefined ? normalized : mul(normalized, params.weight);
  return params.bias === undefined ? scaled : add(scaled, params.bias);
}

/**
 * Layer normalisation over the last axis (Ba et al., 2016), as PyTorch's `nn.LayerNorm`:
 * `y = (x − mean) / √(var + eps) · weight + bias`, with the biased variance.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { layerNorm } from '@tapestry/layers';
 * const params = layerNorm.init(64); // { weight: ones [64], bias: zeros [64] }
 * const y = layerNorm.apply(params, new Rng(0).normal([8, 10, 64]));
 * ```
 */
export const layerNorm = {
  /** `{ weight: ones, bias: zeros }` of `[features]` (nothing random, so no `Rng`). */
  init,
  /** Normalises `[..., features]` over the last axis. */
  apply,
} as const;
