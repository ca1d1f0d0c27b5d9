import type { DType, Rng, Tensor } from '@tapestry/core';

/**
 * A recurrent cell: the plugin unit of Tapestry. A cell is a plain value — four
 * functions over an explicit parameter tree `P` and carry tree `C` — not a subclass.
 * Built-in cells (RNN, LSTM, GRU) implement exactly this interface; there is no
 * private fast path a user's cell cannot use.
 *
 * The split between `project` and `step` is what makes recurrent layers fast: the
 * part of the computation that does not depend on the carry (the input matmul) is
 * done for all time steps in one product, leaving only the recurrent part in the loop.
 *
 * @typeParam P - the parameter tree (e.g. `{ weight_ih, weight_hh, bias_ih, bias_hh }`)
 * @typeParam C - the carry tree (e.g. `Tensor` for h, or `{ h, c }`)
 *
 * @example
 * ```ts
 * import { add, matmul, mul, tanh, zeros, type Rng, type Tensor } from '@tapestry/core';
 * import type { Cell } from '@tapestry/layers';
 * type P = { wx: Tensor; wh: Tensor };
 * // IndRNN-like cell: h' = tanh(x Wxᵀ + h ⊙ wh)
 * const indRnn = (hidden: number): Cell<P, Tensor> => ({
 *   name: 'indrnn',
 *   outputSize: hidden,
 *   init: (rng: Rng, inputSize: number, dtype = 'float32') => ({
 *     wx: rng.uniform([hidden, inputSize], { low: -0.5, high: 0.5, dtype }),
 *     wh: rng.uniform([hidden], { low: 0, high: 1, dtype }),
 *   }),
 *   initCarry: (batch: number, dtype = 'float32') => zeros([batch, hidden], dtype),
 *   // x Wxᵀ for all steps at once: [B, T, F] → [B, T, hidden]
 *   project: (p, xs) => matmul(xs, p.wx, { transB: true }),
 *   step: (p, h, xw) => {
 *     const next = tanh(add(xw, mul(h, p.wh)));
 *     return [next, next];
 *   },
 * });
 * ```
 */
export interface Cell<P, C> {
  /** Used in error messages. */
  readonly name: string;
  /** Size of the output the cell emits at each step (the last axis of `scan`'s outputs). */
  readonly outputSize: number;
  /** A fresh parameter tree for inputs with `inputSize` features. */
  init(rng: Rng, inputSize: number, dtype?: DType): P;
  /** The initial carry (zeros) for a batch of `batch` sequences. */
  initCarry(batch: number, dtype?: DType): C;
  /**
   * Optional time-parallel part: maps the whole input `xs` `[B, T, F]` to what `step`
   * receives at each step (`[B, T, G]`); without it `step` receives `xs[:, t]`.
   */
  project?(params: P, xs: Tensor): Tensor;
  /**
   * Set when `project` maps each time step on its own (`xs[:, t]` → its row of the
   * result, as the built-in cells' `x W_ihᵀ + b` does). A compiled `scan` then runs
   * `project` inside the step, on `[B, 1, F]`, instead of materialising the `[B, T, G]`
   * projection and its `[B, T, G]` gradient — at long sequences those buffers are most
   * of the memory traffic — and sums the input weight's gradient once over all steps.
   * (It does so for batches of 8 or more sequences; below that one product per step
   * costs more than it saves.) Leave it unset for a projection that mixes steps (a
   * convolution over time).
   */
  readonly projectsStepwise?: boolean;
  /** One time step: the new carry and the output for this step (`[B, outputSize]`). */
  step(params: P, carry: C, x: Tensor): [C, Tensor];
}
