import type { UnaryKind } from '../backend/backend.js';
import { backend } from '../backend/current.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Op } from './op.js';
import { defineOp } from './op.js';
import { requireFloat } from './operand.js';

/** Bounds passed to a parameterised unary kernel (clamp). */
export interface UnaryBounds {
  /** Lower bound (clamp, inRange); unused by other kinds. */
  p0: number;
  /** Upper bound (clamp, inRange); unused by other kinds. */
  p1: number;
}

/** Defines a differentiable unary op whose backward rule sees `g`, the input and the output. */
export function defineUnary(kind: UnaryKind, vjp: (g: Tensor, x: Tensor, y: Tensor, bounds: UnaryBounds) => Tensor): Op<UnaryBounds> {
  return defineOp<UnaryBounds>({
    name: kind,
    forward: ([x], { p0, p1 }) => {
      requireFloat(kind, x);
      return backend().unary(kind, x, p0, p1);
    },
    vjp: ([g], { inputs: [x], outputs: [y], attrs }) => [vjp(g, x, y, attrs)],
  });
}

/** Defines a unary op that no gradient flows through (sign, step masks). */
export function defineUnaryMask(kind: UnaryKind): Op<UnaryBounds> {
  return defineOp<UnaryBounds>({
    name: kind,
    differentiable: false,
    forward: ([x], { p0, p1 }) => backend().unary(kind, x, p0, p1),
  });
}

const NO_BOUNDS: UnaryBounds = { p0: 0, p1: 0 };

/** Runs a unary op on one tensor. */
export function runUnary(op: Op<UnaryBounds>, x: Tensor, bounds: UnaryBounds = NO_BOUNDS): Tensor {
  return op.run([x], bounds)[0];
}
