import type { Tensor } from '@tapestry/core';
import { DTypeError, ShapeError, formatShape, greater, isFloat, shapesEqual, where } from '@tapestry/core';
import { checkCrossEntropyOptions } from './cross-entropy.js';
import { reduceCounted } from './reduction.js';
import { checkLogitsAndTargets, prepareTargets } from './targets.js';
import { tokenLosses } from './token-losses.js';

function checkMask(fn: string, what: string, shape: readonly number[], mask: Tensor): void {
  if (!shapesEqual(shape, mask.shape)) {
    throw new ShapeError(`${fn}: ${what} ${formatShape(shape)} and mask ${formatShape(mask.shape)} differ in shape`);
  }
}

function countPositive(mask: Tensor): number {
  let count = 0;
  for (let i = 0; i < mask.size; i++) if (mask.data[i] > 0) count++;
  return count;
}

/**
 * The mean of `values` over the positions where `mask > 0` (the mask selects, it does not
 * weight: any positive value counts as 1). A masked-out value does not affect the result
 * and gets gradient 0, even if it is Infinity or NaN. With no selected position the
 * result is 0, not NaN.
 *
 * @example
 * ```ts
 * import { tensor } from '@tapestry/core';
 * import { maskedMean } from '@tapestry/layers';
 * const perStep = tensor([[1, 2, 9], [3, 9, 9]]);
 * const mask = tensor([[1, 1, 0], [1, 0, 0]]); // lengths 2 and 1
 * maskedMean(perStep, mask).item(); // (1 + 2 + 3) / 3 = 2
 * ```
 */
export function maskedMean(values: Tensor, mask: Tensor): Tensor {
  if (!isFloat(values.dtype)) throw new DTypeError(`maskedMean: values must be float32 or float64, got ${values.dtype}`);
  checkMask('maskedMean', 'values', values.shape, mask);
  return reduceCounted(where(greater(mask, 0), values, 0), countPositive(mask), 'mean');
}

/** Options of {@link maskedSequenceLoss}. */
export interface MaskedSequenceLossOptions {
  /** ε in `[0, 1]`, as in {@link crossEntropy} (default 0). */
  readonly labelSmoothing?: number;
}

/**
 * Cross entropy of sequence logits `[B, T, C]` against int32 targets `[B, T]`, averaged
 * over the valid positions only: those where `mask` `[B, T]` is > 0 (e.g. `t < lengths[b]`).
 * Targets at padding positions are not read, so any padding value is fine. With no
 * valid position the loss is 0 (see {@link crossEntropy}).
 *
 * @example
 * ```ts
 * import { Rng, tensor } from '@tapestry/core';
 * import { maskedSequenceLoss } from '@tapestry/layers';
 * const logits = new Rng(0).normal([2, 3, 5]);
 * const targets = tensor([[1, 4, 0], [2, 0, 0]], { dtype: 'int32' });
 * const mask = tensor([[1, 1, 1], [1, 0, 0]]);
 * const loss = maskedSequenceLoss(logits, targets, mask); // mean over 4 tokens
 * ```
 */
export function maskedSequenceLoss(logits: Tensor, targets: Tensor, mask: Tensor, options: MaskedSequenceLossOptions = {}): Tensor {
  const { labelSmoothing = 0 } = options;
  checkCrossEntropyOptions('maskedSequenceLoss', 0, labelSmoothing);
  checkLogitsAndTargets('maskedSequenceLoss', logits, targets);
  checkMask('maskedSequenceLoss', 'targets', targets.shape, mask);
  const m = mask.data;
  const prepared = prepareTargets('maskedSequenceLoss', targets, logits.shape[logits.rank - 1], (i) => !(m[i] > 0));
  return reduceCounted(tokenLosses(logits, prepared, labelSmoothing), prepared.count, 'mean');
}
