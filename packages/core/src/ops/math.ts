import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, neg } from './arithmetic.js';
import { defineUnary, defineUnaryMask, runUnary } from './unary.js';

/** The registered op behind {@link exp}. */
export const expOp = defineUnary('exp', (g, _x, y) => mul(g, y));
/** The registered op behind {@link log}. */
export const logOp = defineUnary('log', (g, x) => div(g, x));
/** The registered op behind {@link log1p}. */
export const log1pOp = defineUnary('log1p', (g, x) => div(g, add(x, 1)));
/** The registered op behind {@link sqrt}. */
export const sqrtOp = defineUnary('sqrt', (g, _x, y) => div(g, mul(y, 2)));
/** The registered op behind {@link abs}. */
export const absOp = defineUnary('abs', (g, x) => mul(g, sign(x)));
/** The registered op behind {@link sin}. */
export const sinOp = defineUnary('sin', (g, x) => mul(g, cos(x)));
/** The registered op behind {@link cos}. */
export const cosOp = defineUnary('cos', (g, x) => neg(mul(g, sin(x))));
/** The registered op behind {@link square}. */
export const squareOp = defineUnary('square', (g, x) => mul(g, mul(x, 2)));
/** The registered op behind {@link reciprocal}. */
export const reciprocalOp = defineUnary('reciprocal', (g, _x, y) => neg(mul(g, mul(y, y))));
/** The registered op behind {@link sign} (not differentiable). */
export const signOp = defineUnaryMask('sign');

/** `e^x`. */
export function exp(x: Tensor): Tensor {
  return runUnary(expOp, x);
}
/** Natural logarithm. */
export function log(x: Tensor): Tensor {
  return runUnary(logOp, x);
}
/** `log(1 + x)`, accurate for small `x`. */
export function log1p(x: Tensor): Tensor {
  return runUnary(log1pOp, x);
}
/** Square root. */
export function sqrt(x: Tensor): Tensor {
  return runUnary(sqrtOp, x);
}
/** Absolute value (gradient 0 at 0). */
export function abs(x: Tensor): Tensor {
  return runUnary(absOp, x);
}
/** Sine. */
export function sin(x: Tensor): Tensor {
  return runUnary(sinOp, x);
}
/** Cosine. */
export function cos(x: Tensor): Tensor {
  return runUnary(cosOp, x);
}
/** `x²`. */
export function square(x: Tensor): Tensor {
  return runUnary(squareOp, x);
}
/** `1 / x`. */
export function reciprocal(x: Tensor): Tensor {
  return runUnary(reciprocalOp, x);
}
/** -1, 0 or 1 by the sign of `x` (not differentiable). */
export function sign(x: Tensor): Tensor {
  return runUnary(signOp, x);
}
