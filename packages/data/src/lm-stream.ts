import type { Tensor } from '@tapestry/core';
import { fromStorage } from '@tapestry/core';
import { DataError, checkInteger, checkOptionKeys } from './errors.js';

/** Options of {@link lmStream}. */
export interface LmStreamOptions {
  /** Rows per batch, B (≥ 1): the number of independent positions in the stream. */
  batchSize: number;
  /** Steps per batch, T (≥ 1): the truncated-BPTT window. */
  seqLen: number;
  /** Skip this many tokens at the start (e.g. `rng.nextInt(seqLen)` per epoch to vary the cuts). Default 0. */
  offset?: number;
  /** Drop the final batch when it has fewer than `seqLen` steps. Default `false`. */
  dropLast?: boolean;
}

/** One batch of a language-model stream. */
export interface LmBatch {
  /** Token ids `[B, T]`. */
  readonly inputs: Tensor<'int32'>;
  /** The next token after each input, `[B, T]`: `targets[b, t]` follows `inputs[b, t]` in the stream. */
  readonly targets: Tensor<'int32'>;
}

/** A token stream cut into `[B, T]` batches for truncated backpropagation through time. */
export interface LmStream extends Iterable<LmBatch> {
  /** Rows per batch, B. */
  readonly batchSize: number;
  /** Steps per full batch, T. */
  readonly seqLen: number;
  /** Input tokens per row over the whole epoch, L = ⌊(N − offset − 1) / B⌋. */
  readonly rowLength: number;
  /** Batches per epoch. */
  readonly numBatches: number;
  /** Input tokens covered per epoch (`B × L`, less the dropped tail with `dropLast`). */
  readonly tokensUsed: number;
  /** Batch `k` (0-based); batches are built on demand, so this allocates only that batch. */
  batch(k: number): LmBatch;
}

/**
 * Cuts one long token stream into `[B, T]` batches for truncated BPTT.
 *
 * The stream (after `offset`) is split into B contiguous rows of L tokens; batch k holds
 * columns `[kT, (k+1)T)` of every row. So row b of batch k+1 continues exactly where row
 * b of batch k stopped, and the final hidden state of one batch is the right initial
 * carry for the next. Every one of the B·L input positions appears exactly once per
 * epoch; the last batch is shorter than T unless `dropLast` (the PyTorch word-language-
 * model layout). Fewer than `B + 1` tokens, or options out of range, throw a `DataError`.
 *
 * @example
 * ```ts
 * import { Vocab, lmStream } from '@tapestry/data';
 * const text = 'to be or not to be, that is the question';
 * const vocab = Vocab.build(text);
 * const stream = lmStream(vocab.encode(text), { batchSize: 4, seqLen: 4 });
 * stream.rowLength; // 9 = ⌊(40 − 1) / 4⌋
 * stream.numBatches; // 3: steps 4 + 4 + 1
 * for (const { inputs, targets } of stream) {
 *   // inputs, targets: [4, 4] (the last [4, 1]). Run the model from the previous batch's
 *   // final carry (gradient stopped); keep this batch's final carry for the next.
 * }
 * ```
 */
export function lmStream(tokens: ArrayLike<number>, options: LmStreamOptions): LmStream {
  checkOptionKeys('lmStream', options, { batchSize: true, seqLen: true, offset: true, dropLast: true });
  const { batchSize: B, seqLen: T, offset = 0, dropLast = false } = options;
  checkInteger('lmStream', 'batchSize', B, 1);
  checkInteger('lmStream', 'seqLen', T, 1);
  checkInteger('lmStream', 'offset', offset, 0);
  const L = Math.floor((tokens.length - offset - 1) / B);
  if (L < 1) throw new DataError('too-short', `lmStream: ${tokens.length} tokens (offset ${offset}) cannot give ${B} rows with a next-token target each; need at least ${offset + B + 1}`);
  const numBatches = dropLast ? Math.floor(L / T) : Math.ceil(L / T);
  if (numBatches === 0) throw new DataError('too-short', `lmStream: rows of ${L} tokens are shorter than seqLen = ${T} and dropLast is set, so there are no batches`);
  const stream = toInt32('lmStream', tokens);
  const batch = (k: number): LmBatch => {
    if (!Number.isInteger(k) || k < 0 || k >= numBatches) throw new DataError('invalid-argument', `lmStream.batch: k = ${k} is outside [0, ${numBatches})`);
    return cutBatch(stream, offset, B, L, k * T, Math.min(T, L - k * T));
  };
  return {
    batchSize: B,
    seqLen: T,
    rowLength: L,
    numBatches,
    tokensUsed: B * Math.min(L, numBatches * T),
    batch,
    *[Symbol.iterator]() {
      for (let k = 0; k < numBatches; k++) yield batch(k);
    },
  };
}

function cutBatch(stream: Int32Array, offset: number, B: number, L: number, col: number, width: number): LmBatch {
  const inputs = new Int32Array(B * width);
  const targets = new Int32Array(B * width);
  for (let b = 0; b < B; b++) {
    const from = offset + b * L + col;
    inputs.set(stream.subarray(from, from + width), b * width);
    targets.set(stream.subarray(from + 1, from + 1 + width), b * width);
  }
  return { inputs: fromStorage([B, width], inputs), targets: fromStorage([B, width], targets) };
}

// Validates and copies once up front (so later changes to the caller's array cannot leak
// into batches), after which batches are cut with plain typed-array copies.
function toInt32(fn: string, tokens: ArrayLike<number>): Int32Array {
  if (tokens instanceof Int32Array) return tokens.slice();
  const out = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i];
    if ((id | 0) !== id) throw new DataError('invalid-argument', `${fn}: token ${i} is ${id}, not an int32 id`);
    out[i] = id;
  }
  return out;
}
