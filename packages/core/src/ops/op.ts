import { Tensor } from '../tensor/tensor.js';
import { peekTensorId } from '../tensor/ids.js';
import { recordOp, resumeTapes, suspendTapes } from '../autograd/tape.js';
import { checkFinite } from '../autograd/anomaly.js';
import type { ProductTerm } from '../autograd/product-term.js';
import { activeTrace } from '../compile/trace-state.js';
import { refuseAnyDisposed } from '../tensor/refuse-disposed.js';

/** What an op's backward rule can see of the forward call. */
export interface OpContext<A> {
  /** The op's inputs, as passed to `forward`. */
  readonly inputs: readonly Tensor[];
  /** The op's outputs. */
  readonly outputs: readonly Tensor[];
  /** The op's non-tensor arguments (axes, shapes, flags…). */
  readonly attrs: A;
  /**
   * Whatever `forward` chose to save for a fast backward rule (see {@link ForwardResult}).
   * Saved values are constants to every tape: a rule that must stay differentiable for
   * higher-order derivatives should compute with `inputs` and `outputs` instead.
   */
  readonly saved: unknown;
  /**
   * Which inputs need a cotangent in this sweep (float inputs the gradient can reach).
   * A rule may return `null` for the others instead of computing them — e.g. the input
   * projection of an RNN never needs `∂L/∂x` for constant inputs `x`.
   */
  readonly needsGrad: readonly boolean[];
}

/** A forward that saves data for its backward rule returns its outputs with the saved value. */
export interface ForwardResult {
  /** The op's outputs. */
  outputs: Tensor[];
  /** Anything the backward rule wants (see {@link OpContext.saved}). */
  saved: unknown;
}

interface OpSpecBase<A> {
  /** The name errors and anomaly reports use. */
  readonly name: string;
  /**
   * Computes the outputs, normally with kernels (`backend()`). It may use other ops, but
   * they are not recorded: the op is a single tape entry, differentiated by its `vjp`.
   */
  forward(inputs: readonly Tensor[], attrs: A): Tensor | Tensor[] | ForwardResult;
}

/**
 * An op with a backward rule. `vjp` maps the cotangents of the outputs to cotangents of
 * the inputs (`null` for inputs that get no gradient, such as indices). It must be
 * written with differentiable ops so that gradients of gradients work; a cotangent may
 * have a broadcast shape larger than its input — the tape sums it back in one place.
 */
export interface DifferentiableOpSpec<A> extends OpSpecBase<A> {
  /**
   * The backward rule: cotangents of the outputs → cotangents of the inputs (`null` for
   * none). An op whose outputs also feed computation inside it (a compiled loop's
   * per-step states) may append one entry per output: that output's total cotangent,
   * which the sweep reports when the output is differentiated against.
   */
  vjp(cotangents: readonly Tensor[], ctx: OpContext<A>): readonly (Tensor | null)[];
  /**
   * Optional, for ops whose input cotangents are matrix products (`matmul`): the same
   * cotangents as {@link DifferentiableOpSpec.vjp}, left uncomputed as
   * {@link ProductTerm}s of the exact input shapes, or `undefined` where that does not
   * apply. The reverse sweep uses it when no outer tape records, and computes all the
   * terms an input collects (a recurrent weight: one per time step) as one product.
   */
  productVjp?(cotangents: readonly Tensor[], ctx: OpContext<A>): readonly (ProductTerm | null)[] | undefined;
}

/** An op that no gradient flows through (comparisons, casts to integers, argmax…). */
export interface NonDifferentiableOpSpec<A> extends OpSpecBase<A> {
  /** Marks the op as having no backward rule; it is never recorded. */
  readonly differentiable: false;
}

/** Either kind of op: an op without a `vjp` must say `differentiable: false`. */
export type OpSpec<A> = DifferentiableOpSpec<A> | NonDifferentiableOpSpec<A>;

/** A registered op: its spec plus a function that runs it and records it on active tapes. */
export interface Op<A> {
  /** The definition passed to {@link defineOp}. */
  readonly spec: OpSpec<A>;
  /** Runs the op and returns all its outputs. */
  run(inputs: readonly Tensor[], attrs: A): Tensor[];
}

const registry: OpSpec<unknown>[] = [];

/**
 * Every op defined so far (built-in ones and those of loaded packages or users), in
 * definition order. Tests walk this list so that no op escapes the gradient checks.
 */
export function registeredOps(): readonly OpSpec<unknown>[] {
  return registry;
}

/** True when the op has a backward rule. */
export function isDifferentiable<A>(spec: OpSpec<A>): spec is DifferentiableOpSpec<A> {
  return 'vjp' in spec;
}

/**
 * Defines an op. This is the public extension point: fused kernels with hand-written
 * backward rules are defined exactly like the built-in ops, and the same gradient
 * checks apply to them.
 *
 * @example
 * ```ts
 * import { defineOp, mul, fromStorage, tensor, grad, sum, type Tensor } from '@tapestry/core';
 * // cube(x) = x³ with its own kernel and backward rule 3x²·g
 * const cubeOp = defineOp<void>({
 *   name: 'cube',
 *   forward: ([x]) => {
 *     const out = new Float64Array(x.size);
 *     for (let i = 0; i < x.size; i++) out[i] = x.data[i] ** 3;
 *     return fromStorage(x.shape, out);
 *   },
 *   vjp: ([g], { inputs: [x] }) => [mul(g, mul(3, mul(x, x)))],
 * });
 * const cube = (x: Tensor) => cubeOp.run([x], undefined)[0];
 * grad((x: Tensor) => sum(cube(x)))(tensor([1, 2], { dtype: 'float64' })); // [3, 12]
 * ```
 */
export function defineOp<A>(spec: OpSpec<A>): Op<A> {
  const differentiable = isDifferentiable(spec);
  registry.push(spec as OpSpec<unknown>);
  return {
    spec,
    run(inputs, attrs) {
      // While a trace records (compiling a recurrent step), ops record themselves
      // symbolically instead of computing.
      const trace = activeTrace();
      if (trace !== undefined) return trace.apply(spec as OpSpec<unknown>, inputs, attrs);
      refuseAnyDisposed(spec.name, inputs);
      const firstId = peekTensorId();
      const tapes = suspendTapes();
      let result: Tensor | Tensor[] | ForwardResult;
      try {
        result = spec.forward(inputs, attrs);
      } finally {
        resumeTapes(tapes);
      }
      let outputs: Tensor[];
      let saved: unknown;
      if (Array.isArray(result)) outputs = result;
      else if ('outputs' in result) ({ outputs, saved } = result);
      else outputs = [result];
      // Every output must be a new tensor: the tape tells tensors apart by identity, and
      // an op that returns one of its inputs (an identity, a no-op cast) would otherwise
      // feed its cotangent back into itself. Storage is shared, nothing is copied.
      for (let i = 0; i < outputs.length; i++) {
        const o = outputs[i];
        if (o.id < firstId) outputs[i] = new Tensor(o.shape, o.data);
      }
      checkFinite(spec.name, inputs, outputs);
      if (differentiable) recordOp(spec, inputs, outputs, attrs, saved);
      return outputs;
    },
  };
}
