import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ElementwiseProgram } from './program.js';
import type { BoundSteps, StepCommand } from './step-commands.js';

/** Element-wise functions of one tensor. `clamp` and `inRange` take bounds `p0`, `p1`. */
export type UnaryKind =
  | 'neg' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'abs' | 'sign' | 'tanh' | 'sigmoid' | 'relu'
  | 'softplus' | 'sin' | 'cos' | 'square' | 'reciprocal' | 'positive' | 'clamp' | 'inRange';

/** Element-wise functions of two broadcast tensors; comparisons give 1 or 0 in the input dtype. */
export type BinaryKind =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

/** Reductions over a set of axes. */
export type ReduceKind = 'sum' | 'max' | 'min';

/**
 * The kernels ops are computed with. Kernels see only typed arrays and shapes — no
 * tapes, no gradients — and return fresh tensors. Ops validate shapes before calling
 * a kernel, so kernels may assume valid arguments. A faster backend (WebAssembly
 * SIMD, native BLAS) implements this interface and is installed with
 * {@link setBackend}; ops, layers and user code do not change.
 */
export interface Backend {
  /** A short identifier, e.g. `'js'`. */
  readonly name: string;
  /** `kind` applied element-wise; `p0`/`p1` are the bounds of `clamp`/`inRange`. */
  unary(kind: UnaryKind, x: Tensor, p0?: number, p1?: number): Tensor;
  /** `kind` applied element-wise with NumPy broadcasting to `outShape`. */
  binary(kind: BinaryKind, a: Tensor, b: Tensor, outShape: Shape): Tensor;
  /** `cond ≠ 0 ? a : b`, all three broadcast to `outShape`. */
  where(cond: Tensor, a: Tensor, b: Tensor, outShape: Shape): Tensor;
  /** Sum, max or min over `axes` (sorted, unique, non-empty). */
  reduce(kind: ReduceKind, x: Tensor, axes: readonly number[], keepdims: boolean): Tensor;
  /** Index (int32) of the first largest/smallest element along `axis`. */
  argReduce(kind: 'argmax' | 'argmin', x: Tensor, axis: number): Tensor;
  /** `op(a) · op(b)` over the last two axes, batch axes broadcast; `op` transposes when the flag is set. */
  matmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean, outShape: Shape): Tensor;
  /** Reorders axes: output axis `i` is input axis `perm[i]`. */
  permute(x: Tensor, perm: readonly number[]): Tensor;
  /** Repeats `x` along broadcast axes to `shape`. */
  broadcastTo(x: Tensor, shape: Shape): Tensor;
  /** The block at `starts` of `sizes`. */
  slice(x: Tensor, starts: readonly number[], sizes: readonly number[]): Tensor;
  /** Zero padding: `before[i]`/`after[i]` zeros around axis `i`. */
  pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor;
  /** Joins tensors along `axis` (other axes equal, same dtype). */
  concat(xs: readonly Tensor[], axis: number): Tensor;
  /** NumPy `take`: out shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. */
  gather(x: Tensor, indices: Tensor, axis: number): Tensor;
  /** The adjoint of {@link Backend.gather}: adds `updates` into zeros of size `size` along `axis`. */
  scatterAdd(updates: Tensor, indices: Tensor, axis: number, size: number): Tensor;
  /** NumPy `take_along_axis`. */
  takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor;
  /** The adjoint of {@link Backend.takeAlongAxis}: adds `values` into zeros of `shape`. */
  putAlongAxis(values: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor;
  /** Softmax along `axis`, max-shifted so it never overflows. */
  softmax(x: Tensor, axis: number): Tensor;
  /** Log-softmax along `axis`, max-shifted so it never overflows. */
  logSoftmax(x: Tensor, axis: number): Tensor;
  /** Converts to `dtype` (float → int32 truncates toward zero). */
  cast(x: Tensor, dtype: DType): Tensor;

  // Kernels that write into caller-owned outputs. A compiled recurrence (a planned scan)
  // preallocates its buffers once and runs every step through these, so no tensor is
  // created per step. Outputs never alias inputs.

  /**
   * `out = op(a) · op(b)` for matrices (rank 2), or `out += op(a) · op(b)` with
   * `accumulate`; `out` has the product's shape and dtype.
   */
  matmulInto(a: Tensor, b: Tensor, transA: boolean, transB: boolean, out: Tensor, accumulate: boolean): void;
  /** Runs an element-wise program (see {@link ElementwiseProgram}), writing `outputs` in place. */
  elementwise(program: ElementwiseProgram, inputs: readonly Tensor[], outputs: readonly Tensor[]): void;

  /**
   * Optional: storage of `size` elements with unspecified contents, or `undefined` to
   * leave the allocation to the engine. While this backend is installed, every tensor
   * storage Tapestry allocates (`allocate`, which zero-fills it) comes from here — a
   * backend that recycles memory spares the fresh pages of a new `ArrayBuffer`.
   * The storage must not be visible to anything else.
   */
  storage?(dtype: DType, size: number): TypedArray | undefined;

  /**
   * Optional: frees `data` now if this backend allocated it and nothing it runs still
   * reads it (a bound loop), leaving every view of it empty (length 0); returns whether
   * it did. Called by `dispose`; storage it does not own it must leave alone.
   */
  release?(data: TypedArray): boolean;

  /**
   * Optional: binds a list of commands over fixed buffers (one step of a compiled loop,
   * with its per-step reads and writes) and returns a function that runs them, in order,
   * for any run of steps in `[0, steps)` — or `undefined` to decline (the caller then
   * makes each kernel call itself). Binding lets a backend whose calls cost more than a
   * small kernel (a native addon) run a step, or a whole loop, in one call. The arrays
   * must stay the same objects while the returned function lives; its results must be
   * those of `runStepCommand` on this backend, bit for bit.
   */
  bindSteps?(commands: readonly StepCommand[], steps: number): BoundSteps | undefined;

  /**
   * Optional: one Adam step over a parameter's arrays — `@tapestry/optim`'s `scaleByAdam`
   * loop, in double precision with the same operations in the same order, so the same
   * bits: `m' = b1·m + (1 − b1)·g`, `v' = b2·v + (1 − b2)·g·g`, `v̂ = max(vMax, v')` with
   * AMSGrad (else `v'`), `out = m' / bc1 / (√v̂ / sqrtBc2 + eps)`. Every array is
   * float32, or every one float64, all of one length; `vMax` and `vMaxNext` are both
   * given or both `undefined`.
   */
  adamStep?(arrays: AdamArrays, c: AdamStepCoefficients): void;

  /**
   * Optional: `out = a·x`, or `out = a·x + y` with `y`, each element computed in double
   * precision and rounded once (the optimizers' scaling and update loops). The arrays
   * are all float32 or all float64, of one length.
   */
  scaleAdd?(x: Float32Array | Float64Array, a: number, y: Float32Array | Float64Array | undefined, out: Float32Array | Float64Array): void;
}

/** The arrays of {@link Backend.adamStep}: inputs `g, m, v, vMax`; outputs the rest. */
export interface AdamArrays {
  /** The gradient. */
  readonly g: Float32Array | Float64Array;
  /** The first moment before the step. */
  readonly m: Float32Array | Float64Array;
  /** The second moment before the step. */
  readonly v: Float32Array | Float64Array;
  /** The running maximum of the second moment (AMSGrad), or undefined. */
  readonly vMax: Float32Array | Float64Array | undefined;
  /** Receives the step's direction. */
  readonly out: Float32Array | Float64Array;
  /** Receives the new first moment. */
  readonly mNext: Float32Array | Float64Array;
  /** Receives the new second moment. */
  readonly vNext: Float32Array | Float64Array;
  /** Receives the new running maximum (AMSGrad), or undefined. */
  readonly vMaxNext: Float32Array | Float64Array | undefined;
}

/** The scalars of {@link Backend.adamStep}. */
export interface AdamStepCoefficients {
  /** Decay of the first moment. */
  readonly b1: number;
  /** Decay of the second moment. */
  readonly b2: number;
  /** `1 − b1^t`. */
  readonly bc1: number;
  /** `√(1 − b2^t)`. */
  readonly sqrtBc2: number;
  /** Added to the bias-corrected root of the second moment. */
  readonly eps: number;
}
