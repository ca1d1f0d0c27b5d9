import type { BinaryKind } from '../backend/backend.js';
import { backend } from '../backend/current.js';
import type { Shape } from '../tensor/shape.js';
import { broadcastShapes, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Op } from './op.js';
import { defineOp } from './op.js';
import type { TensorLike } from './operand.js';
import { runBinary } from './operand.js';
import { log } from './math.js';
import { greater, greaterEqual, less, lessEqual } from './compare.js';
import { where } from './where.js';

type BinaryVjp = (g: Tensor, a: Tensor, b: Tensor, out: Tensor, needA: boolean, needB: boolean) => [Tensor | null, Tensor | null];

function defineBinary(kind: BinaryKind, vjp: BinaryVjp): Op<void> {
  return defineOp<void>({
    name: kind,
    forward: ([a, b]) => backend().binary(kind, a, b, binaryShape(kind, a, b)),
    vjp: ([g], { inputs: [a, b], outputs: [out], needsGrad }) => vjp(g, a, b, out, needsGrad[0], needsGrad[1]),
  });
}

/** The broadcast shape of two operands, without allocating in the common equal-shape case. */
function binaryShape(op: string, a: Tensor, b: Tensor): Shape {
  if (a.shape === b.shape || shapesEqual(a.shape, b.shape)) return a.shape;
  if (b.size === 1 && b.rank <= a.rank) return a.shape;
  if (a.size === 1 && a.rank <= b.rank) return b.shape;
  return broadcastShapes(op, a.shape, b.shape);
}

// The binary arithmetic ops. Their cotangents have the broadcast shape; the tape sums
// them back. Each rule computes only the cotangents the sweep asks for.
/** `a + b`. */
export const addOp = defineBinary('add', (g, _a, _b, _o, na, nb) => [na ? g : null, nb ? g : null]);
/** `a - b`. */
export const subOp = defineBinary('sub', (g, _a, _b, _o, na, nb) => [na ? g : null, nb ? neg(g) : null]);
/** `a * b`. */
export const mulOp = defineBinary('mul', (g, a, b, _o, na, nb) => [na ? mul(g, b) : null, nb ? mul(g, a) : null]);
/** `a / b`: ∂a = g/b, ∂b = −g·(a/b)/b. */
export const divOp = defineBinary('div', (g, _a, b, out, _na, nb) => {
  const ga = div(g, b);
  return [ga, nb ? neg(mul(ga, out)) : null];
});
/** `a ** b`: ∂a = g·b·a^(b−1), ∂b = g·a^b·log a (taken as 0 where a <= 0, where a^b is not smooth in b). */
export const powOp = defineBinary('pow', (g, a, b, out, na, nb) => [
  na ? mul(g, mul(b, pow(a, sub(b, 1)))) : null,
  nb ? where(greater(a, 0), mul(g, mul(out, log(where(greater(a, 0), a, 1)))), 0) : null,
]);
/** Element-wise maximum; a tie sends the gradient to `a`. */
export const maximumOp = defineBinary('maximum', (g, a, b, _o, na, nb) => [na ? where(greaterEqual(a, b), g, 0) : null, nb ? where(less(a, b), g, 0) : null]);
/** Element-wise minimum; a tie sends the gradient to `a`. */
export const minimumOp = defineBinary('minimum', (g, a, b, _o, na, nb) => [na ? where(lessEqual(a, b), g, 0) : null, nb ? where(greater(a, b), g, 0) : null]);


/** `a + b` with broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(addOp, a, b);
}
/** `a - b` with broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(subOp, a, b);
}
/** `a * b` with broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(mulOp, a, b);
}
/** `a / b` with broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(divOp, a, b);
}
/** `a ** b` with broadcasting. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(powOp, a, b);
}
/** Element-wise maximum; on ties the gradient goes to `a`. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(maximumOp, a, b);
}
/** Element-wise minimum; on ties the gradient goes to `a`. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return runBinary(minimumOp, a, b);
}

/** The op behind {@link neg}. */
export const negOp = defineOp<void>({
  name: 'neg',
  forward: ([x]) => backend().unary('neg', x),
  vjp: ([g]) => [neg(g)],
});
/** `-x`. */
export function neg(x: Tensor): Tensor {
  return negOp.run([x], undefined)[0];
}
