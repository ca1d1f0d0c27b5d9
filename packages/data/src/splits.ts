import type { Rng } from '@tapestry/core';
import { DataError, checkInteger, checkOptionKeys } from './errors.js';

/** Relative sizes of the three splits (normalised by their sum, so `{ 8, 1, 1 }` works too). */
export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** Three disjoint parts of a data set that together cover it. */
export interface Splits<T> {
  readonly train: T[];
  readonly validation: T[];
  readonly test: T[];
}

/** Options of {@link splitDataset}. */
export interface SplitOptions<T> {
  /** Default `{ train: 0.8, validation: 0.1, test: 0.1 }`. */
  fractions?: SplitFractions;
  /** Split each group (e.g. each class) separately, so every split keeps the class balance. */
  stratify?: (item: T) => string | number;
}

/** The split sizes used when none are given. */
export const defaultFractions: SplitFractions = { train: 0.8, validation: 0.1, test: 0.1 };

/**
 * A seeded random split of the indices `0..n-1`. Sizes are the fractions of `n` rounded
 * by largest remainder, so they always add up to `n`. Within each split the indices are
 * in increasing order (shuffling for training is the batcher's job).
 */
export function splitIndices(n: number, rng: Rng, fractions: SplitFractions = defaultFractions): Splits<number> {
  checkInteger('splitIndices', 'n', n, 0);
  const sizes = splitSizes('splitIndices', n, fractions);
  const order = rng.permutation(n);
  const train = order.slice(0, sizes[0]);
  const validation = order.slice(sizes[0], sizes[0] + sizes[1]);
  const test = order.slice(sizes[0] + sizes[1]);
  return { train: sortNumbers(train), validation: sortNumbers(validation), test: sortNumbers(test) };
}

/**
 * Splits items into train, validation and test sets with a seeded shuffle; the same seed
 * gives the same split. The splits are disjoint and together hold every item once.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { splitDataset } from '@tapestry/data';
 * const examples = Array.from({ length: 100 }, (_, i) => ({ text: `example ${i}`, label: i % 4 }));
 * const { train, validation, test } = splitDataset(examples, new Rng(0), { stratify: (e) => e.label });
 * train.length; // 80: 20 of each label
 * ```
 */
export function splitDataset<T>(items: readonly T[], rng: Rng, options: SplitOptions<T> = {}): Splits<T> {
  checkOptionKeys('splitDataset', options, { fractions: true, stratify: true });
  const { fractions = defaultFractions, stratify } = options;
  const indices = stratify === undefined ? splitIndices(items.length, rng, fractions) : stratifiedIndices(items, rng, fractions, stratify);
  const pick = (idx: number[]): T[] => idx.map((i) => items[i]);
  return { train: pick(indices.train), validation: pick(indices.validation), test: pick(indices.test) };
}

function stratifiedIndices<T>(items: readonly T[], rng: Rng, fractions: SplitFractions, key: (item: T) => string | number): Splits<number> {
  const groups = new Map<string | number, number[]>(); // insertion order: deterministic
  items.forEach((item, i) => {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [i]);
    else group.push(i);
  });
  const out: Splits<number> = { train: [], validation: [], test: [] };
  for (const group of groups.values()) {
    const part = splitIndices(group.length, rng, fractions);
    for (const name of ['train', 'validation', 'test'] as const) for (const j of part[name]) out[name].push(group[j]);
  }
  return { train: sortNumbers(out.train), validation: sortNumbers(out.validation), test: sortNumbers(out.test) };
}

/** Largest-remainder rounding of `n × fraction / sum` (ties go to the earlier split). */
function splitSizes(fn: string, n: number, { train, validation, test }: SplitFractions): [number, number, number] {
  const f = [train, validation, test];
  const total = train + validation + test;
  if (!f.every((x) => Number.isFinite(x) && x >= 0) || !(total > 0)) {
    throw new DataError('invalid-argument', `${fn}: fractions must be finite, non-negative and not all zero, got ${JSON.stringify({ train, validation, test })}`);
  }
  const exact = f.map((x) => (n * x) / total);
  const sizes = exact.map(Math.floor) as [number, number, number];
  let left = n - sizes[0] - sizes[1] - sizes[2];
  const byRemainder = [0, 1, 2].sort((a, b) => exact[b] - sizes[b] - (exact[a] - sizes[a]) || a - b);
  for (const k of byRemainder) if (left-- > 0) sizes[k]++;
  return sizes;
}

function sortNumbers(xs: number[]): number[] {
  return xs.sort((a, b) => a - b);
}
