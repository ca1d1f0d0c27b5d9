import type { ElementwiseInstruction } from '../backend/program.js';
import { addOp, divOp, maximumOp, minimumOp, mulOp, negOp, powOp, subOp } from '../ops/arithmetic.js';
import { equalOp, greaterEqualOp, greaterOp, lessEqualOp, lessOp, notEqualOp } from '../ops/compare.js';
import { clampOp, inRangeOp, positiveOp, reluOp, sigmoidOp, softplusOp, tanhOp } from '../ops/activation.js';
import { absOp, cosOp, expOp, log1pOp, logOp, reciprocalOp, signOp, sinOp, sqrtOp, squareOp } from '../ops/math.js';
import type { Op, OpSpec } from '../ops/op.js';
import type { UnaryBounds } from '../ops/unary.js';
import { whereOp } from '../ops/where.js';
import type { BinaryKind, UnaryKind } from '../backend/backend.js';

/** An instruction with its operand registers still to fill in. */
export type InstructionShape =
  | { readonly op: 'unary'; readonly kind: UnaryKind; readonly p0: number; readonly p1: number }
  | { readonly op: 'binary'; readonly kind: BinaryKind }
  | { readonly op: 'where' };

type Lowering = (attrs: unknown) => InstructionShape;

const lowerings = new Map<OpSpec<unknown>, Lowering>();

function binary(op: Op<void>): void {
  const kind = op.spec.name as BinaryKind;
  lowerings.set(op.spec as OpSpec<unknown>, () => ({ op: 'binary', kind }));
}
function unary(op: Op<UnaryBounds> | Op<void>): void {
  const kind = op.spec.name as UnaryKind;
  lowerings.set(op.spec as OpSpec<unknown>, (attrs) => {
    const bounds = attrs as UnaryBounds | undefined;
    return { op: 'unary', kind, p0: bounds?.p0 ?? 0, p1: bounds?.p1 ?? 0 };
  });
}

[addOp, subOp, mulOp, divOp, powOp, maximumOp, minimumOp, equalOp, notEqualOp, lessOp, lessEqualOp, greaterOp, greaterEqualOp].forEach(binary);
[negOp, expOp, logOp, log1pOp, sqrtOp, absOp, sinOp, cosOp, squareOp, reciprocalOp, signOp, tanhOp, sigmoidOp, reluOp, softplusOp, clampOp, positiveOp, inRangeOp].forEach(unary);
lowerings.set(whereOp.spec as OpSpec<unknown>, () => ({ op: 'where' }));

/**
 * The element-wise program instruction a registered op lowers to, or `undefined` for
 * an op that is not element-wise (the op is identified by its spec, not its name, so a
 * user's op that happens to be called `add` is never mistaken for core's).
 */
export function lowerElementwise(spec: OpSpec<unknown>, attrs: unknown): InstructionShape | undefined {
  return lowerings.get(spec)?.(attrs);
}

/** Fills in operand registers (in the op's input order). */
export function withOperands(shape: InstructionShape, regs: readonly number[]): ElementwiseInstruction {
  switch (shape.op) {
    case 'unary':
      return { op: 'unary', kind: shape.kind, x: regs[0], p0: shape.p0, p1: shape.p1 };
    case 'binary':
      return { op: 'binary', kind: shape.kind, a: regs[0], b: regs[1] };
    case 'where':
      return { op: 'where', cond: regs[0], a: regs[1], b: regs[2] };
  }
}
