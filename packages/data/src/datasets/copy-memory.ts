import type { Rng, Tensor } from '@tapestry/core';
import { fromStorage } from '@tapestry/core';
import { checkInteger, checkOptionKeys } from '../errors.js';

/** Options of {@link copyMemory}. */
export interface CopyMemoryOptions {
  /** Number of sequences N. */
  samples: number;
  /** The delay T (≥ 1): blank steps between seeing the symbols and recalling them. */
  length: number;
  /** Symbols to remember, K. Default 10. */
  copyLength?: number;
  /** Distinct data symbols. Default 8. */
  alphabetSize?: number;
}

/** A copy-memory data set; sequences have `length + 2 × copyLength` steps. */
export interface CopyMemoryData {
  /** `[N, T + 2K]` int32: K symbols, T − 1 blanks, the delimiter, K blanks. */
  readonly inputs: Tensor<'int32'>;
  /** `[N, T + 2K]` int32: T + K blanks, then the K symbols. */
  readonly targets: Tensor<'int32'>;
  /** Classes per step: blank, the data symbols, the delimiter. */
  readonly numClasses: number;
  /** The blank symbol, 0. */
  readonly blank: number;
  /** The delimiter symbol, `alphabetSize + 1`; data symbols are `1..alphabetSize`. */
  readonly delimiter: number;
}

/**
 * The copy-memory task (Arjovsky, Shah & Bengio 2016): read K random symbols, wait T
 * steps, and at the delimiter reproduce them in order. The memoryless baseline (blanks,
 * then uniform guesses) has cross-entropy `K·log(A) / (T + 2K)` per step for A symbols.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { copyMemory } from '@tapestry/data';
 * const { inputs, targets, numClasses } = copyMemory(new Rng(0), { samples: 128, length: 100 });
 * ```
 */
export function copyMemory(rng: Rng, options: CopyMemoryOptions): CopyMemoryData {
  checkOptionKeys('copyMemory', options, { samples: true, length: true, copyLength: true, alphabetSize: true });
  const { samples: N, length: T, copyLength: K = 10, alphabetSize: A = 8 } = options;
  checkInteger('copyMemory', 'samples', N, 1);
  checkInteger('copyMemory', 'length', T, 1);
  checkInteger('copyMemory', 'copyLength', K, 1);
  checkInteger('copyMemory', 'alphabetSize', A, 1);
  const S = T + 2 * K;
  const delimiter = A + 1;
  const inputs = new Int32Array(N * S);
  const targets = new Int32Array(N * S);
  for (let n = 0; n < N; n++) {
    const row = n * S;
    for (let k = 0; k < K; k++) {
      const symbol = 1 + rng.nextInt(A);
      inputs[row + k] = symbol;
      targets[row + T + K + k] = symbol;
    }
    inputs[row + K + T - 1] = delimiter;
  }
  return { inputs: fromStorage([N, S], inputs), targets: fromStorage([N, S], targets), numClasses: A + 2, blank: 0, delimiter };
}
