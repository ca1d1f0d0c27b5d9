import type { BinaryKind } from '../backend/backend.js';
import { backend } from '../backend/current.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Op } from './op.js';
import { defineOp } from './op.js';
import type { TensorLike } from './operand.js';
import { runBinary } from './operand.js';

// Comparisons are not differentiable; they return 1 or 0 in the inputs' dtype, so a
// mask multiplies a float tensor directly.

function defineCompare(kind: BinaryKind): Op<void> {
  return defineOp<void>({
    name: kind,
    differentiable: false,
    forward: ([a, b]) => backend().binary(kind, a, b, broadcastShapes(kind, a.shape, b.shape)),
  });
}

/** The registered op behind {@link equal} (not differentiable). */
export const equalOp = defineCompare('equal');
/** The registered op behind {@link notEqual} (not differentiable). */
export const notEqualOp = defineCompare('notEqual');
/** The registered op behind {@link less} (not differentiable). */
export const lessOp = defineCompare('less');
/** The registered op behind {@link lessEqual} (not differentiable). */
export const lessEqualOp = defineCompare('lessEqual');
/** The registered op behind {@link greater} (not differentiable). */
export const greaterOp = defineCompare('greater');
/** The registered op behind {@link greaterEqual} (not differentiable). */
export const greaterEqualOp = defineCompare('greaterEqual');


/** 1 where `a == b`, else 0. */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(equalOp, a, b);
}
/** 1 where `a != b`, else 0. */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(notEqualOp, a, b);
}
/** 1 where `a < b`, else 0. */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(lessOp, a, b);
}
/** 1 where `a <= b`, else 0. */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(lessEqualOp, a, b);
}
/** 1 where `a > b`, else 0. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(greaterOp, a, b);
}
/** 1 where `a >= b`, else 0. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(greaterEqualOp, a, b);
}
