import type { Tensor } from '@tapestry/core';
import { DTypeError, ShapeError, formatShape, isFloat, shapesEqual, square, sub } from '@tapestry/core';
import type { Reduction } from './reduction.js';
import { checkReduction, reduceCounted } from './reduction.js';

/** Options of {@link mseLoss}. */
export interface MseLossOptions {
  /** `'mean'` (default) over all elements, `'sum'`, or `'none'` for the squared errors. */
  readonly reduction?: Reduction;
}

/**
 * Mean squared error, `mean((input − target)²)` over all elements, as PyTorch's
 * `mse_loss`. Both tensors must have the same shape and float dtype (no broadcasting: a
 * broadcast target is almost always a bug). Differentiable in both arguments.
 *
 * @example
 * ```ts
 * import { tensor } from '@tapestry/core';
 * import { mseLoss } from '@tapestry/layers';
 * mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5])).item(); // 4/3
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: MseLossOptions = {}): Tensor {
  const { reduction = 'mean' } = options;
  checkReduction('mseLoss', reduction);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(`mseLoss: input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ in shape`);
  }
  if (!isFloat(input.dtype) || input.dtype !== target.dtype) {
    throw new DTypeError(`mseLoss: input and target must have the same float dtype, got ${input.dtype} and ${target.dtype}`);
  }
  return reduceCounted(square(sub(input, target)), input.size, reduction);
}
