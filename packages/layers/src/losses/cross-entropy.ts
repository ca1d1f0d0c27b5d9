import type { Tensor } from '@tapestry/core';
import { ValueError } from '@tapestry/core';
import type { Reduction } from './reduction.js';
import { checkReduction, reduceCounted } from './reduction.js';
import { checkLogitsAndTargets, prepareTargets } from './targets.js';
import { tokenLosses } from './token-losses.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Target value whose positions are skipped: no loss, no gradient, not counted (default −100). */
  readonly ignoreIndex?: number;
  /** ε in `[0, 1]`: the target distribution is `(1 − ε)·onehot + ε/C` (default 0). */
  readonly labelSmoothing?: number;
  /** `'mean'` over counted positions (default), `'sum'`, or `'none'` (zeros at ignored positions). */
  readonly reduction?: Reduction;
}

/** Throws a `ValueError` unless the options are in range. */
export function checkCrossEntropyOptions(fn: string, ignoreIndex: number, labelSmoothing: number): void {
  if (!Number.isInteger(ignoreIndex)) throw new ValueError(`${fn}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError(`${fn}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
}

/**
 * Cross entropy of unnormalised `logits` `[N, C]` (or `[B, T, C]`, any leading shape,
 * classes last) against int32 class `targets` `[N]` (or `[B, T]`), as PyTorch's
 * `cross_entropy`: `logsumexp(logits[n]) − logits[n, targets[n]]`, computed through
 * `logSoftmax` so logits of ±1000 are exact.
 *
 * - `labelSmoothing = ε`: `(1 − ε)·NLL + ε·mean_c(−log p_c)` (PyTorch's definition).
 * - Positions whose target is `ignoreIndex` get loss 0 and gradient 0, and are not
 *   counted in the mean's denominator.
 * - If every position is ignored, the `'mean'` is **0** (with zero gradient), not
 *   PyTorch's NaN (0/0): a batch with nothing to learn from must not poison the
 *   parameters with NaN.
 *
 * Throws `DTypeError` for non-int32 targets, `ShapeError` when the shapes disagree, and
 * `ValueError` for a target outside `[0, C)` or an option out of range.
 *
 * @example
 * ```ts
 * import { tensor, valueAndGrad, type Tensor } from '@tapestry/core';
 * import { crossEntropy } from '@tapestry/layers';
 * const logits = tensor([[2, 0, -1], [0.5, 0.5, 3]], { dtype: 'float64' });
 * const targets = tensor([0, -100], { dtype: 'int32' }); // second row ignored
 * const loss = (l: Tensor) => crossEntropy(l, targets, { labelSmoothing: 0.1 });
 * const [value, dLogits] = valueAndGrad(loss)(logits); // dLogits[1] is all zeros
 * ```
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { ignoreIndex = -100, labelSmoothing = 0, reduction = 'mean' } = options;
  checkCrossEntropyOptions('crossEntropy', ignoreIndex, labelSmoothing);
  checkReduction('crossEntropy', reduction);
  checkLogitsAndTargets('crossEntropy', logits, targets);
  const t = targets.data;
  const prepared = prepareTargets('crossEntropy', targets, logits.shape[logits.rank - 1], (i) => t[i] === ignoreIndex);
  return reduceCounted(tokenLosses(logits, prepared, labelSmoothing), prepared.count, reduction);
}
