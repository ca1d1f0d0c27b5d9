import type { Rng } from '@tapestry/core';
import { DataError, checkInteger, checkOptionKeys } from './errors.js';

/** Options of {@link bucketBatches}. */
export interface BucketOptions<T> {
  /** Items per batch (≥ 1). */
  batchSize: number;
  /** The length to group by; defaults to `item.length`. */
  lengthOf?: (item: T) => number;
  /**
   * Shuffles which items share a pool and the order of the batches. Without it the
   * batches are deterministic: sorted by length, in that order. The generator advances,
   * so calling again with the same `Rng` gives the next epoch's batches.
   */
  rng?: Rng;
  /** Drop the one batch that has fewer than `batchSize` items. Default `false`. */
  dropLast?: boolean;
  /**
   * How many batches' worth of items are sorted together. Larger pools give batches of
   * more similar lengths; smaller pools give more varied batches across epochs.
   * Default 100; `Infinity` sorts the whole set.
   */
  poolBatches?: number;
}

/**
 * Groups items into batches of similar length, so that padding wastes little work.
 *
 * With an `rng`, items are shuffled, then sorted by length within pools of
 * `poolBatches × batchSize` items, cut into batches, and the batches shuffled. Every
 * item lands in exactly one batch; only the single short batch can be dropped
 * (`dropLast`). Throws a `DataError` for a `batchSize` below 1.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { Vocab, bucketBatches, labelledBatch } from '@tapestry/data';
 * const names = [{ text: 'Abe', label: 0 }, { text: 'Bartholomew', label: 1 }, { text: 'Bo', label: 0 }, { text: 'Clementine', label: 1 }];
 * const vocab = Vocab.build(names.map((n) => n.text));
 * const encoded = names.map((n) => ({ tokens: vocab.encode(n.text), label: n.label }));
 * const rng = new Rng(0);
 * for (const group of bucketBatches(encoded, { batchSize: 2, rng, lengthOf: (e) => e.tokens.length })) {
 *   // the two short names share a batch, the two long ones the other
 *   const { tokens, lengths, mask, targets } = labelledBatch(group);
 * }
 * ```
 */
export function bucketBatches<T>(items: readonly T[], options: BucketOptions<T>): T[][] {
  checkOptionKeys('bucketBatches', options, { batchSize: true, lengthOf: true, rng: true, dropLast: true, poolBatches: true });
  const { batchSize, rng, dropLast = false, poolBatches = 100 } = options;
  checkInteger('bucketBatches', 'batchSize', batchSize, 1);
  if (poolBatches !== Infinity) checkInteger('bucketBatches', 'poolBatches', poolBatches, 1);
  const lengths = items.map(options.lengthOf ?? defaultLength);
  const order = rng === undefined ? items.map((_, i) => i) : rng.permutation(items.length);
  sortWithinPools(order, lengths, poolBatches * batchSize);
  const batches: T[][] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(start + batchSize, order.length);
    if (dropLast && end - start < batchSize) break;
    batches.push(order.slice(start, end).map((i) => items[i]));
  }
  return rng === undefined ? batches : rng.permutation(batches.length).map((k) => batches[k]);
}

// Pools are multiples of batchSize, so only the very last batch can be short.
function sortWithinPools(order: number[], lengths: readonly number[], poolSize: number): void {
  const byLength = (a: number, b: number): number => lengths[a] - lengths[b];
  if (poolSize >= order.length) {
    order.sort(byLength); // stable, so ties keep their shuffled order
    return;
  }
  for (let start = 0; start < order.length; start += poolSize) {
    const pool = order.slice(start, start + poolSize).sort(byLength);
    for (let k = 0; k < pool.length; k++) order[start + k] = pool[k];
  }
}

function defaultLength(item: unknown, index: number): number {
  const length = (item as { length?: unknown } | null)?.length;
  if (typeof length !== 'number') throw new DataError('invalid-argument', `bucketBatches: item ${index} has no length; pass lengthOf`);
  return length;
}
