/**
 * Losses used by the examples.
 *
 * Interim: `@tapestry/layers` has `mseLoss` and `crossEntropy` in its source but does not
 * export them yet; these compute the same means so the switch is one import.
 */
import { logSoftmax, mean, neg, reshape, square, sub, takeAlongAxis, type Tensor } from '@tapestry/core';

/** Mean squared error over all elements. */
export function mseLoss(prediction: Tensor, target: Tensor): Tensor {
  return mean(square(sub(prediction, target)));
}

/** Mean cross entropy of `logits` [..., C] against int32 class ids [...]. */
export function crossEntropy(logits: Tensor, targets: Tensor): Tensor {
  const C = logits.shape[logits.rank - 1];
  const flat = reshape(logits, [logits.size / C, C]);
  const picked = takeAlongAxis(logSoftmax(flat, -1), reshape(targets, [targets.size, 1]), 1);
  return neg(mean(picked));
}
