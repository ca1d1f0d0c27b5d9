import { broadcastInto } from '../compile/block-copy.js';
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
 * One action of a compiled step, as data: what the planner knows about a kernel call
 * on fixed buffers. A step made only of these can be handed to the backend as a whole
 * ({@link Backend.bindSteps}).
 */
export type StepCommand = MatmulCommand | ProgramCommand | CopyCommand | BroadcastCommand | ZeroCommand;

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
export function runStepCommand(command: StepCommand, step: number, be: Pick<Backend, 'matmulInto' | 'elementwise'>): void {
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
  }
}
