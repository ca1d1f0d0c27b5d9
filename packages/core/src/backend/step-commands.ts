import { broadcastInto } from '../compile/block-copy.js';
import { gatherInto } from '../compile/gather-into.js';
import type { TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Backend } from './backend.js';
import type { ElementwiseProgram } from './program.js';

/** `out (=|+=) op(a) · op(b)`: one {@link Backend.matmulInto} call. */
export interface MatmulCommand {
  /** Which command. */
  readonly kind: 'matmul';
  /** The left operand (rank 2). */
  readonly a: Tensor;
  /** The right operand (rank 2). */
  readonly b: Tensor;
  /** Use `a` transposed. */
  readonly transA: boolean;
  /** Use `b` transposed. */
  readonly transB: boolean;
  /** The product's buffer. */
  readonly out: Tensor;
  /** Add to `out` instead of overwriting it. */
  readonly accumulate: boolean;
}

/** One {@link Backend.elementwise} call. */
export interface ProgramCommand {
  /** Which command. */
  readonly kind: 'program';
  /** The program to run. */
  readonly program: ElementwiseProgram;
  /** Its input operands. */
  readonly inputs: readonly Tensor[];
  /** Its output buffers. */
  readonly outputs: readonly Tensor[];
}

/**
 * `rows` runs of `length` elements: run `r` from `src[srcStart + r·srcStride]` to
 * `dst[dstStart + r·dstStride]` (same element type, in bounds, not overlapping). At step
 * `s` of a bound loop the starts move by `s·srcStep` and `s·dstStep` (a time step's rows
 * of a `[B, T, …]` sequence or its slot in a `[T, …]` slab).
 */
export interface CopyCommand {
  /** Which command. */
  readonly kind: 'copy';
  /** The array copied from. */
  readonly src: TypedArray;
  /** Where run 0 starts in `src` at step 0. */
  readonly srcStart: number;
  /** Elements between runs in `src`. */
  readonly srcStride: number;
  /** The array copied to. */
  readonly dst: TypedArray;
  /** Where run 0 starts in `dst` at step 0. */
  readonly dstStart: number;
  /** Elements between runs in `dst`. */
  readonly dstStride: number;
  /** How many runs. */
  readonly rows: number;
  /** Elements per run. */
  readonly length: number;
  /** Elements `srcStart` moves per step (default 0). */
  readonly srcStep?: number;
  /** Elements `dstStart` moves per step (default 0). */
  readonly dstStep?: number;
}

/** `src` of shape `srcShape` broadcast (NumPy rules) into all of `dst`, of shape `dstShape`. */
export interface BroadcastCommand {
  /** Which command. */
  readonly kind: 'broadcast';
  /** The array broadcast. */
  readonly src: TypedArray;
  /** Its shape. */
  readonly srcShape: readonly number[];
  /** The array written, every element. */
  readonly dst: TypedArray;
  /** Its shape. */
  readonly dstShape: readonly number[];
}

/** Sets every element of `dst` to 0. */
export interface ZeroCommand {
  /** Which command. */
  readonly kind: 'zero';
  /** The array zeroed. */
  readonly dst: TypedArray;
}

/**
 * Copies slices of `table` picked by `indices` (a `gather`): `table` is `[outer, size, inner]`,
 * `dst` is `[outer, indices.length, inner]`, and every index must be in `[0, size)` — a
 * bound run checks each one and throws a `ShapeError` naming `op`, as the op does.
 */
export interface GatherCommand {
  /** Which command. */
  readonly kind: 'gather';
  /** The op whose forward this is, for errors. */
  readonly op: string;
  /** The array read. */
  readonly table: TypedArray;
  /** The indices along the middle axis, read at run time. */
  readonly indices: Int32Array;
  /** The array written. */
  readonly dst: TypedArray;
  /** Elements before the gathered axis (the product of the leading sizes). */
  readonly outer: number;
  /** The gathered axis's size. */
  readonly size: number;
  /** Elements after the gathered axis. */
  readonly inner: number;
}

/** `dst = softmax(src)` (or its logarithm) along the last axis, as the backend's own kernel computes it. */
export interface SoftmaxCommand {
  /** Which command. */
  readonly kind: 'softmax';
  /** The input, softmaxed along its last axis. */
  readonly src: Tensor;
  /** The output, of `src`'s shape and dtype. */
  readonly dst: Tensor;
  /** Log-softmax instead. */
  readonly log: boolean;
}

/**
 * One action of a compiled step, as data: what the planner knows about a kernel call
 * on fixed buffers. A step made only of these can be handed to the backend as a whole
 * ({@link Backend.bindSteps}).
 */
export type StepCommand = MatmulCommand | ProgramCommand | CopyCommand | BroadcastCommand | ZeroCommand | GatherCommand | SoftmaxCommand;

/**
 * Runs the commands bound by {@link Backend.bindSteps} `count` times, at steps `first`,
 * `first + delta`, … (`delta` ±1 or 0).
 */
export interface BoundSteps {
  /** Runs the commands at steps `first`, `first + delta`, … (`count` of them). */
  (first: number, count: number, delta: number): void;
  /** Frees what the binding holds now rather than when the function is collected; it must not run again. */
  release?(): void;
}

/**
 * Runs `command` at step `step` with the backend's `matmulInto` and `elementwise` and
 * plain copies: the meaning every `bindSteps` must reproduce.
 */
export function runStepCommand(command: StepCommand, step: number, be: Pick<Backend, 'matmulInto' | 'elementwise' | 'softmax' | 'logSoftmax'>): void {
  switch (command.kind) {
    case 'matmul':
      be.matmulInto(command.a, command.b, command.transA, command.transB, command.out, command.accumulate);
      return;
    case 'program':
      be.elementwise(command.program, command.inputs, command.outputs);
      return;
    case 'copy': {
      const { src, srcStride, dst, dstStride, rows, length } = command;
      const srcStart = command.srcStart + step * (command.srcStep ?? 0);
      const dstStart = command.dstStart + step * (command.dstStep ?? 0);
      for (let r = 0; r < rows; r++) {
        const s = srcStart + r * srcStride;
        const d = dstStart + r * dstStride;
        for (let i = 0; i < length; i++) dst[d + i] = src[s + i];
      }
      return;
    }
    case 'broadcast':
      broadcastInto(command.src, command.srcShape, command.dst, command.dstShape);
      return;
    case 'zero':
      command.dst.fill(0);
      return;
    case 'gather':
      gatherInto(command);
      return;
    case 'softmax': {
      const { src, dst } = command;
      dst.data.set((command.log ? be.logSoftmax(src, src.rank - 1) : be.softmax(src, src.rank - 1)).data);
    }
  }
}
