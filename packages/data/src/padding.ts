import type { Tensor } from '@tapestry/core';
import { fromStorage } from '@tapestry/core';
import { DataError, checkInteger, checkOneOf, checkOptionKeys } from './errors.js';

/** A sequence of token ids (a plain array or an `Int32Array`). */
export type Sequence = ArrayLike<number>;

/** A floating-point dtype, for masks and real-valued data. */
export type FloatDType = 'float32' | 'float64';

/**
 * What to do with a sequence longer than `maxLength`:
 * - `'error'` (default): throw a `DataError` of kind `too-long` naming the sequence;
 * - `'end'`: cut tokens off the end (keep the first `maxLength`);
 * - `'start'`: cut tokens off the start (keep the last `maxLength`, e.g. the most recent context).
 */
export type Truncation = 'error' | 'end' | 'start';

/** Options of {@link padBatch}. */
export interface PadOptions {
  /** The longest allowed sequence; longer ones follow `truncate`. Default: no limit. */
  maxLength?: number;
  /** How to handle sequences over `maxLength`. Default `'error'`. */
  truncate?: Truncation;
  /** Pad every batch to exactly `maxLength` steps rather than to its longest sequence. */
  fixedLength?: boolean;
  /** The id written into padding positions. Default 0 (the pad id of a default `Vocab`). */
  padId?: number;
  /** The mask's dtype. Default `'float32'`. */
  maskDType?: FloatDType;
}

/** A padded batch of token sequences, batch first. */
export interface PaddedBatch {
  /** Token ids `[B, T]`; positions `t >= lengths[b]` hold `padId`. */
  readonly tokens: Tensor<'int32'>;
  /** Valid steps per row `[B]` (after truncation). */
  readonly lengths: Tensor<'int32'>;
  /** `[B, T]`: 1 at valid positions, 0 at padding. */
  readonly mask: Tensor<FloatDType>;
}

/** A padded batch with one class label per sequence. */
export interface LabelledBatch extends PaddedBatch {
  /** Class indices `[B]`. */
  readonly targets: Tensor<'int32'>;
}

/** A token sequence and its class, the input of {@link labelledBatch}. */
export interface LabelledSequence {
  readonly tokens: Sequence;
  readonly label: number;
}

/**
 * Pads sequences of token ids into one `[B, T]` batch, with lengths and a mask.
 * `T` is the longest sequence (after truncation), or `maxLength` with `fixedLength`.
 * Throws a `DataError` for no sequences, a non-integer id, or a sequence over
 * `maxLength` when `truncate` is `'error'`.
 *
 * @example
 * ```ts
 * import { padBatch } from '@tapestry/data';
 * const { tokens, lengths, mask } = padBatch([[5, 6, 7], [8]]);
 * tokens.toArray(); // [[5, 6, 7], [8, 0, 0]]
 * lengths.toArray(); // [3, 1]
 * mask.toArray(); // [[1, 1, 1], [1, 0, 0]]
 * ```
 */
export function padBatch(sequences: readonly Sequence[], options: PadOptions = {}): PaddedBatch {
  checkPadOptionNames('padBatch', options);
  const { maxLength = Infinity, truncate = 'error', fixedLength = false, padId = 0, maskDType = 'float32' } = options;
  checkPadOptions(sequences.length, maxLength, fixedLength, padId);
  const B = sequences.length;
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) lengths[b] = keptLength(sequences[b].length, maxLength, truncate, b);
  const T = fixedLength ? maxLength : longest(lengths);
  const tokens = new Int32Array(B * T);
  const mask = maskDType === 'float64' ? new Float64Array(B * T) : new Float32Array(B * T);
  if (padId !== 0) tokens.fill(padId);
  for (let b = 0; b < B; b++) {
    const seq = sequences[b];
    const start = truncate === 'start' ? seq.length - lengths[b] : 0;
    copyRow(seq, start, lengths[b], tokens, b * T, b);
    mask.fill(1, b * T, b * T + lengths[b]);
  }
  return {
    tokens: fromStorage([B, T], tokens),
    lengths: fromStorage([B], lengths),
    mask: fromStorage<FloatDType>([B, T], mask),
  };
}

/**
 * Pads labelled sequences and adds their labels as `targets` `[B]`.
 *
 * @example
 * ```ts
 * import { labelledBatch } from '@tapestry/data';
 * const batch = labelledBatch([{ tokens: [5, 6], label: 2 }, { tokens: [7], label: 0 }]);
 * batch.targets.toArray(); // [2, 0]
 * ```
 */
export function labelledBatch(examples: readonly LabelledSequence[], options: PadOptions = {}): LabelledBatch {
  checkPadOptionNames('labelledBatch', options);
  const targets = new Int32Array(examples.length);
  for (let b = 0; b < examples.length; b++) {
    const label = examples[b].label;
    if (!Number.isInteger(label) || label < 0) throw new DataError('invalid-argument', `labelledBatch: example ${b} has label ${label}, not a non-negative integer`);
    targets[b] = label;
  }
  const padded = padBatch(examples.map((e) => e.tokens), options);
  return { ...padded, targets: fromStorage([examples.length], targets) };
}

/**
 * The inverse of {@link padBatch}: each row's first `lengths[b]` tokens.
 *
 * @example
 * ```ts
 * import { padBatch, unpadBatch } from '@tapestry/data';
 * unpadBatch(padBatch([[5, 6, 7], [8]])); // [Int32Array [5, 6, 7], Int32Array [8]]
 * ```
 */
export function unpadBatch(batch: Pick<PaddedBatch, 'tokens' | 'lengths'>): Int32Array[] {
  const [B, T] = batch.tokens.shape;
  const out: Int32Array[] = [];
  for (let b = 0; b < B; b++) out.push(batch.tokens.data.slice(b * T, b * T + batch.lengths.data[b]));
  return out;
}

const padOptionKeys = { maxLength: true, truncate: true, fixedLength: true, padId: true, maskDType: true } as const;

/** Unknown option names and values are errors, never a silent default. */
function checkPadOptionNames(fn: string, options: PadOptions): void {
  checkOptionKeys(fn, options, padOptionKeys);
  checkOneOf(fn, 'truncate', options.truncate, ['error', 'end', 'start']);
  checkOneOf(fn, 'maskDType', options.maskDType, ['float32', 'float64']);
}

function checkPadOptions(B: number, maxLength: number, fixedLength: boolean, padId: number): void {
  if (B === 0) throw new DataError('empty', 'padBatch: sequences is empty; a batch needs at least one sequence');
  if (maxLength !== Infinity) checkInteger('padBatch', 'maxLength', maxLength, 1);
  if (fixedLength && maxLength === Infinity) throw new DataError('invalid-argument', 'padBatch: fixedLength needs maxLength');
  if ((padId | 0) !== padId) throw new DataError('invalid-argument', `padBatch: padId must be an int32, got ${padId}`);
}

function keptLength(length: number, maxLength: number, truncate: Truncation, b: number): number {
  if (length <= maxLength) return length;
  if (truncate === 'error') {
    throw new DataError('too-long', `padBatch: sequence ${b} has ${length} tokens, more than maxLength = ${maxLength} (set truncate to 'end' or 'start' to cut it)`);
  }
  return maxLength;
}

function longest(lengths: Int32Array): number {
  let T = 0;
  for (let b = 0; b < lengths.length; b++) if (lengths[b] > T) T = lengths[b];
  return T;
}

function copyRow(seq: Sequence, start: number, n: number, out: Int32Array, offset: number, b: number): void {
  for (let t = 0; t < n; t++) {
    const id = seq[start + t];
    if ((id | 0) !== id) throw new DataError('invalid-argument', `padBatch: sequence ${b} has ${id} at position ${start + t}, not an int32 id`);
    out[offset + t] = id;
  }
}
