import { GradientError } from '../errors.js';
import { onesLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { MapLeaves } from '../tree/tree.js';
import { leaves, mapTree } from '../tree/tree.js';
import { backward } from './backward.js';
import { Tape, withTape } from './tape.js';

/** Options of {@link record}. */
export interface RecordOptions {
  /**
   * Tensors (any tree) to record from: only ops that depend on them are kept. When
   * omitted, every op run inside the recording is kept.
   */
  watch?: unknown;
}

/** The result of {@link record}: the function's value and a handle to differentiate it. */
export interface Recording<T> {
  /** What the recorded function returned. */
  readonly value: T;
  /**
   * The gradient of `of` (a scalar, or any tensor with an explicit `seed` cotangent)
   * with respect to each tensor of `wrt` — parameters, inputs, or any intermediate
   * tensor computed during the recording, such as the hidden state of every time step.
   * Can be called any number of times.
   */
  gradient<W>(of: Tensor, wrt: W, seed?: Tensor): MapLeaves<W, Tensor>;
  /**
   * Declares that {@link Recording.gradient} will not be called again, as `grad` does
   * after its one sweep: ops that keep what their backward reads in reusable buffers
   * (a compiled `scan`'s per-step values) hand them to the next run instead of leaving
   * them to the garbage collector. Calling `gradient` afterwards throws.
   */
  discard(): void;
}

/**
 * Runs `fn` while recording a tape and returns a handle that can differentiate any
 * recorded value with respect to any recorded tensor. This is how gradient-flow
 * studies get ‖∂L/∂h_t‖ for every step t.
 *
 * @example
 * ```ts
 * import { record, tanh, mul, sum, tensor, type Tensor } from '@tapestry/core';
 * const x = tensor([0.1, 0.2]);
 * const hs: Tensor[] = [];
 * const rec = record(() => {
 *   let h = x;
 *   for (let t = 0; t < 3; t++) hs.push((h = tanh(mul(h, 2))));
 *   return sum(h);
 * });
 * const perStep = rec.gradient(rec.value, hs); // ∂L/∂h_t for t = 0, 1, 2
 * rec.discard(); // no more gradients from it: its ops may reuse their buffers
 * ```
 */
export function record<T>(fn: () => T, options: RecordOptions = {}): Recording<T> {
  const tape = new Tape(options.watch === undefined);
  for (const leaf of leaves(options.watch)) tape.watch(leaf);
  const value = withTape(tape, fn);
  let discarded = false;
  return {
    value,
    discard(): void {
      discarded = true;
      tape.discard();
    },
    gradient<W>(of: Tensor, wrt: W, seed?: Tensor): MapLeaves<W, Tensor> {
      if (discarded) throw new GradientError('record.gradient: the recording was discarded (discard() promises no further gradient)');
      if (seed === undefined && of.size !== 1) {
        throw new GradientError(`record.gradient: the value has shape ${formatShape(of.shape)}; pass a seed cotangent for a non-scalar`);
      }
      if (seed !== undefined && (!shapesEqual(seed.shape, of.shape) || seed.dtype !== of.dtype)) {
        throw new GradientError(`record.gradient: seed ${seed.dtype} ${formatShape(seed.shape)} differs from value ${of.dtype} ${formatShape(of.shape)}`);
      }
      if (!tape.tracksGradient(of)) {
        // A value computed after `record` returned is not on the tape: its gradient would
        // silently be zero everywhere, so say so instead.
        throw new GradientError('record.gradient: the value was not computed inside the recording (compute the loss inside the record callback)');
      }
      const targets = leaves(wrt);
      const cts = backward(tape, [of], [seed ?? onesLike(of)], targets);
      let k = 0;
      return mapTree(wrt, () => cts[k++]) as MapLeaves<W, Tensor>;
    },
  };
}
