import type { Rng, Tensor } from '@tapestry/core';
import { allocate, fromStorage } from '@tapestry/core';
import { checkInteger, checkOptionKeys } from '../errors.js';
import type { FloatDType } from '../padding.js';

/** Options of {@link addingProblem}. */
export interface AddingOptions {
  /** Number of sequences N. */
  samples: number;
  /** Sequence length T (≥ 2); the gradient must flow back up to T steps. */
  length: number;
  /** Default `'float32'`. */
  dtype?: FloatDType;
}

/** An adding-problem data set. */
export interface AddingData {
  /** `[N, T, 2]`: channel 0 holds uniform values in [0, 1), channel 1 is 1 at the two marked steps. */
  readonly inputs: Tensor<FloatDType>;
  /** `[N, 1]`: the sum of the two marked values. */
  readonly targets: Tensor<FloatDType>;
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997, in the form of Arjovsky et al. 2016):
 * a long sequence of random numbers, two of them marked — one in the first half, one in
 * the second — and the target is their sum. Predicting the constant 1 gives a mean squared
 * error of about 1/6, the baseline a model must beat; doing so needs memory over ~T/2 steps.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { addingProblem } from '@tapestry/data';
 * const { inputs, targets } = addingProblem(new Rng(0), { samples: 256, length: 100 });
 * ```
 */
export function addingProblem(rng: Rng, options: AddingOptions): AddingData {
  checkOptionKeys('addingProblem', options, { samples: true, length: true, dtype: true });
  const { samples: N, length: T, dtype = 'float32' } = options;
  checkInteger('addingProblem', 'samples', N, 1);
  checkInteger('addingProblem', 'length', T, 2);
  const inputs = allocate(dtype, N * T * 2);
  const targets = allocate(dtype, N);
  const half = Math.floor(T / 2);
  for (let n = 0; n < N; n++) {
    const base = n * T * 2;
    for (let t = 0; t < T; t++) inputs[base + 2 * t] = rng.nextFloat();
    const first = rng.nextInt(half);
    const second = half + rng.nextInt(T - half);
    inputs[base + 2 * first + 1] = 1;
    inputs[base + 2 * second + 1] = 1;
    targets[n] = inputs[base + 2 * first] + inputs[base + 2 * second];
  }
  return { inputs: fromStorage<FloatDType>([N, T, 2], inputs as Float32Array | Float64Array), targets: fromStorage<FloatDType>([N, 1], targets as Float32Array | Float64Array) };
}
