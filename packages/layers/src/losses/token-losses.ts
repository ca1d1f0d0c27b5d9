import type { Tensor } from '@tapestry/core';
import { add, logSoftmax, mean, mul, neg, squeeze, takeAlongAxis, unsqueeze, where } from '@tapestry/core';
import type { PreparedTargets } from './targets.js';

/**
 * Per-position cross entropy `[...]` of `logits [..., C]`, zero where not counted:
 * `(1 − ε)·(−log p[target]) + ε·mean_c(−log p[c])`. Log-probabilities come from the
 * max-shifted `logSoftmax`, so logits of any magnitude are safe.
 */
export function tokenLosses(logits: Tensor, targets: PreparedTargets, labelSmoothing: number): Tensor {
  const logProbs = logSoftmax(logits, -1);
  const picked = squeeze(takeAlongAxis(logProbs, unsqueeze(targets.safe, -1), -1), -1);
  const nll = neg(picked);
  const losses = labelSmoothing === 0 ? nll : add(mul(nll, 1 - labelSmoothing), mul(neg(mean(logProbs, -1)), labelSmoothing));
  // `where`, not a multiplication by the mask: the gradient at skipped positions is
  // exactly 0 even when their logits are huge.
  return where(targets.counted, losses, 0);
}
