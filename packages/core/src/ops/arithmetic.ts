import type { BinaryKind } from '../backend/backend.js';
import { backend } from '../backend/current.js';
import type { Shape } from '../tensor/shape.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Op } from './op.js';
import { defineOp } from './op.js';
import type { TensorLike } from './operand.js';
import { asTensors } from './operand.js';
import { log } from './math.js';
import { greater, greaterEqual, less, lessEqual } from './compare.js';
import { where } from './where.js';

type BinaryVjp = (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];

function defineBinary(kind: BinaryKind, vjp: BinaryVjp): Op<void> {
  return defineOp<void>({
    name: kind,
    forward: ([a, b]) => backend().binary(kind, a, b, broadcastShapes(kind, a.shape, b.shape) as Shape),
    vjp: ([g], { inputs: [a, b], outputs: [out] }) => vjp(g, a, b, out),
  });
}

/** The binary arithmetic ops. Their cotangents have the broadcast shape; the tape sums them back. */
export const addOp = defineBinary('add', (g) => [g, g]);
export const subOp = defineBinary('sub', (g) => [g, neg(g)]);
export const mulOp = defineBinary('mul', (g, a, b) => [mul(g, b), mul(g, a)]);
export const divOp = defineBinary('div', (g, a, b, out) => {
  const ga = div(g, b);
  return [ga, neg(mul(ga, out))];
});
export const powOp = defineBinary('pow', (g, a, b, out) => [
  mul(g, mul(b, pow(a, sub(b, 1)))),
  // d/db a^b = a^b log a, taken as 0 where a <= 0 (where the real power is not smooth in b).
  where(greater(a, 0), mul(g, mul(out, log(where(greater(a, 0), a, 1)))), 0),
]);
export const maximumOp = defineBinary('maximum', (g, a, b) => [where(greaterEqual(a, b), g, 0), where(less(a, b), g, 0)]);
export const minimumOp = defineBinary('minimum', (g, a, b) => [where(lessEqual(a, b), g, 0), where(greater(a, b), g, 0)]);

function run(op: Op<void>, a: TensorLike, b: TensorLike): Tensor {
  return op.run(asTensors(op.spec.name, [a, b]), undefined)[0];
}

/** `a + b` with broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return run(addOp, a, b);
}
/** `a - b` with broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return run(subOp, a, b);
}
/** `a * b` with broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return run(mulOp, a, b);
}
/** `a / b` with broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return run(divOp, a, b);
}
/** `a ** b` with broadcasting. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return run(powOp, a, b);
}
/** Element-wise maximum; on ties the gradient goes to `a`. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return run(maximumOp, a, b);
}
/** Element-wise minimum; on ties the gradient goes to `a`. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return run(minimumOp, a, b);
}

/** `-x`. */
export const negOp = defineOp<void>({
  name: 'neg',
  forward: ([x]) => backend().unary('neg', x),
  vjp: ([g]) => [neg(g)],
});
/** `-x`. */
export function neg(x: Tensor): Tensor {
  return negOp.run([x], undefined)[0];
}
