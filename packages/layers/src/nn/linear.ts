import type { DType, Rng, Tensor } from '@tapestry/core';
import { ShapeError, ValueError, add, defaultFloat, formatShape, matmul, reshape, sizeOf } from '@tapestry/core';
import type { Initializer } from '../init/initializer.js';
import { fanInUniform, kaimingUniform } from '../init/uniform.js';

/** Parameters of {@link linear}: PyTorch's names and layout, so a flattened model reads `fc.weight`, `fc.bias`. */
export interface LinearParams {
  /** `[outFeatures, inFeatures]`, applied as `x Wᵀ`. */
  readonly weight: Tensor;
  /** `[outFeatures]`; absent when the layer was created with `bias: false`. */
  readonly bias?: Tensor;
}

/** Options of {@link linear}`.init`. */
export interface LinearInitOptions {
  /** Whether to create a bias (default true). */
  readonly bias?: boolean;
  /** Element type (default `float32`). */
  readonly dtype?: DType;
  /** Weight initializer (default PyTorch's: uniform `±1/√inFeatures`). */
  readonly weightInit?: Initializer;
  /** Bias initializer (default PyTorch's: uniform `±1/√inFeatures`). */
  readonly biasInit?: Initializer;
}

function checkFeatures(name: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(`linear.init: ${name} must be a positive integer, got ${n}`);
}

function init(rng: Rng, inFeatures: number, outFeatures: number, options: LinearInitOptions = {}): LinearParams {
  checkFeatures('inFeatures', inFeatures);
  checkFeatures('outFeatures', outFeatures);
  const { bias = true, dtype = defaultFloat } = options;
  // Separate streams, so the bias does not depend on how many numbers the weight drew.
  const [weightRng, biasRng] = rng.split(2);
  const weightInit = options.weightInit ?? ((r, s, d) => kaimingUniform(r, s, { dtype: d }));
  const biasInit = options.biasInit ?? ((r, s, d) => fanInUniform(r, s, inFeatures, { dtype: d }));
  const weight = weightInit(weightRng, [outFeatures, inFeatures], dtype);
  return bias ? { weight, bias: biasInit(biasRng, [outFeatures], dtype) } : { weight };
}

function checkParams(params: LinearParams, x: Tensor): void {
  const { weight, bias } = params;
  if (weight.rank !== 2) throw new ShapeError(`linear: weight must be [out, in], got ${formatShape(weight.shape)}`);
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(`linear: bias ${formatShape(bias.shape)} does not match weight ${formatShape(weight.shape)}`);
  }
  if (x.rank === 0 || x.shape[x.rank - 1] !== weight.shape[1]) {
    throw new ShapeError(`linear: input ${formatShape(x.shape)} must end in ${weight.shape[1]} features to match weight ${formatShape(weight.shape)}`);
  }
}

function apply(params: LinearParams, x: Tensor): Tensor {
  checkParams(params, x);
  const [outFeatures, inFeatures] = params.weight.shape;
  const leading = x.shape.slice(0, -1);
  // One [N, in] · [out, in]ᵀ product for every leading position (batch, time…).
  const flat = reshape(x, [sizeOf(leading), inFeatures]);
  const y = matmul(flat, params.weight, { transB: true });
  const biased = params.bias === undefined ? y : add(y, params.bias);
  return reshape(biased, [...leading, outFeatures]);
}

/**
 * A fully connected layer, `y = x Wᵀ + b`, over the last axis of `x` (any leading shape).
 * A value, not a class: `init` makes the parameter tree and `apply` is a pure function
 * of it, so a model is a plain object such as `{ fc: linear.init(…) }`.
 *
 * @example
 * ```ts
 * import { Rng, ones, valueAndGrad, mean, type Tensor } from '@tapestry/core';
 * import { linear, type LinearParams } from '@tapestry/layers';
 * const params = { fc: linear.init(new Rng(0), 16, 1) }; // fc.weight [1, 16], fc.bias [1]
 * const loss = (p: { fc: LinearParams }, h: Tensor) => mean(linear.apply(p.fc, h));
 * const [value, grads] = valueAndGrad(loss)(params, ones([8, 10, 16])); // grads.fc.weight [1, 16]
 * ```
 */
export const linear = {
  /**
   * Parameters `{ weight [out, in], bias [out] }`, initialised as PyTorch's `nn.Linear`:
   * both uniform from `±1/√inFeatures`.
   */
  init,
  /** `x Wᵀ + b` over the last axis: `[..., in] → [..., out]`. */
  apply,
} as const;
