import type { DType, Rng, Tensor } from '@tapestry/core';

/** Options for running a {@link SequenceLayer}. */
export interface SequenceOptions<C> {
  /** Initial carry (default: zeros). */
  carry?: C;
  /** Valid length of each sequence; see {@link scan}. */
  lengths?: Tensor | readonly number[];
  /** Training mode: enables dropout (then `rng` is required). */
  train?: boolean;
  /** Randomness for dropout. */
  rng?: Rng;
}

/** Output of a {@link SequenceLayer}: per-step outputs `[B, T, outputSize]` and final carry. */
export interface SequenceOutput<C> {
  outputs: Tensor;
  carry: C;
}

/**
 * Anything that maps a batch of sequences `[B, T, F]` to `[B, T, outputSize]` with a
 * carry: one cell unrolled by {@link recurrent}, a {@link bidirectional} pair, or a
 * {@link stackLayers} of layers. Combinators take and return this, so they compose freely.
 */
export interface SequenceLayer<P, C> {
  readonly name: string;
  readonly outputSize: number;
  init(rng: Rng, inputSize: number, dtype?: DType): P;
  initCarry(batch: number, dtype?: DType): C;
  apply(params: P, xs: Tensor, options?: SequenceOptions<C>): SequenceOutput<C>;
}
