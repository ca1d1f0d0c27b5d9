import { backend } from '../backend/current.js';
import type { BoundSteps, CopyCommand, StepCommand } from '../backend/step-commands.js';
import type { TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

// A whole compiled loop as one list of step commands: each step's reads from the
// sequences and slabs, the planned step, its writes, the carry moved for the next step.
// A backend that binds steps (native) then runs all T steps in one call; without one, or
// when a move has no command form, the run makes its calls step by step in TypeScript.
// Both run the same kernels on the same buffers, so the results are the same bits.

const sameType = (a: TypedArray, b: TypedArray): boolean => a.constructor === b.constructor;

/** `dst[b] = seq[b, s]` (`seq` is `[B, T, inner]`) at step s. */
export function stepRead(seq: TypedArray, T: number, dst: TypedArray, B: number): CopyCommand {
  const inner = dst.length / B;
  return { kind: 'copy', src: seq, srcStart: 0, srcStride: T * inner, srcStep: inner, dst, dstStart: 0, dstStride: inner, rows: B, length: inner };
}

/** `seq[b, s] = src[b]` at step s. */
export function stepWrite(src: TypedArray, seq: TypedArray, T: number, B: number): CopyCommand {
  const inner = src.length / B;
  return { kind: 'copy', src, srcStart: 0, srcStride: inner, dst: seq, dstStart: 0, dstStride: T * inner, dstStep: inner, rows: B, length: inner };
}

/** `slab[s] = src` at step s. */
export function slabStore(src: TypedArray, slab: TypedArray): CopyCommand {
  return { kind: 'copy', src, srcStart: 0, srcStride: 0, dst: slab, dstStart: 0, dstStride: 0, dstStep: src.length, rows: 1, length: src.length };
}

/** `dst = slab[s]` at step s. */
export function slabLoad(slab: TypedArray, dst: TypedArray): CopyCommand {
  return { kind: 'copy', src: slab, srcStart: 0, srcStride: 0, srcStep: dst.length, dst, dstStart: 0, dstStride: 0, rows: 1, length: dst.length };
}

/**
 * The carry moved for the next step (`to[j] = from[j]`), or undefined when one leaf is
 * returned in another's place (a swap, which needs staging).
 */
export function carryMoves(from: readonly Tensor[], to: readonly Tensor[]): CopyCommand[] | undefined {
  const moves: CopyCommand[] = [];
  for (let j = 0; j < from.length; j++) {
    for (let k = 0; k < to.length; k++) if (k !== j && from[j].data === to[k].data) return undefined;
    if (from[j].data !== to[j].data) moves.push({ kind: 'copy', src: from[j].data, srcStart: 0, srcStride: 0, dst: to[j].data, dstStart: 0, dstStride: 0, rows: 1, length: from[j].size });
  }
  return moves;
}

/**
 * Binds a loop of `T` steps on the current backend: `body` between `before` and `after`,
 * or undefined when the backend does not bind steps, the step has no command form, or a
 * copy would convert between element types.
 */
export function bindLoop(T: number, before: readonly StepCommand[], body: readonly StepCommand[] | undefined, after: readonly StepCommand[] | undefined): BoundSteps | undefined {
  const be = backend();
  if (T < 1 || body === undefined || after === undefined || be.bindSteps === undefined) return undefined;
  const all = [...before, ...body, ...after];
  if (all.some((c) => c.kind === 'copy' && !sameType(c.src, c.dst))) return undefined;
  return be.bindSteps(all, T);
}
