import type { Tensor } from '@tapestry/core';
import { ValueError, div, sum } from '@tapestry/core';

/** How a loss combines its per-element values: their mean, their sum, or none (all of them). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Throws a `ValueError` naming `fn` unless `reduction` is one of the three. */
export function checkReduction(fn: string, reduction: string): asserts reduction is Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(`${fn}: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  }
}

/**
 * Reduces per-element losses whose `count` entries are counted (the rest are zeros):
 * the mean divides by `count`, and by 1 when nothing counts, giving 0 instead of 0/0.
 */
export function reduceCounted(losses: Tensor, count: number, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  const total = sum(losses);
  return reduction === 'sum' ? total : div(total, Math.max(count, 1));
}
