import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul, sub } from './arithmetic.js';
import { defineUnary, defineUnaryMask, runUnary } from './unary.js';

// Backward rules use the saved output where it is cheaper and exact (tanh, sigmoid),
// and are themselves differentiable, so second derivatives come out right.

/** The registered op behind {@link tanh}. */
export const tanhOp = defineUnary('tanh', (g, _x, y) => mul(g, sub(1, mul(y, y))));
/** The registered op behind {@link sigmoid}. */
export const sigmoidOp = defineUnary('sigmoid', (g, _x, y) => mul(g, mul(y, sub(1, y))));
/** The registered op behind {@link relu}. */
export const reluOp = defineUnary('relu', (g, x) => mul(g, runUnary(positiveOp, x)));
/** The registered op behind {@link softplus}. */
export const softplusOp = defineUnary('softplus', (g, x) => mul(g, sigmoid(x)));
/** The registered op behind {@link clamp}. */
export const clampOp = defineUnary('clamp', (g, x, _y, bounds) => mul(g, runUnary(inRangeOp, x, bounds)));
/** The 0/1 mask `x > 0` behind the backward rule of {@link relu} (not differentiable). */
export const positiveOp = defineUnaryMask('positive');
/** The 0/1 mask `min <= x <= max` behind the backward rule of {@link clamp} (not differentiable). */
export const inRangeOp = defineUnaryMask('inRange');

/** Hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  return runUnary(tanhOp, x);
}
/** Logistic sigmoid `1 / (1 + e^-x)`, computed without overflow. */
export function sigmoid(x: Tensor): Tensor {
  return runUnary(sigmoidOp, x);
}
/** `max(x, 0)` (gradient 0 at 0, as in PyTorch). */
export function relu(x: Tensor): Tensor {
  return runUnary(reluOp, x);
}
/** `log(1 + e^x)`, computed without overflow. */
export function softplus(x: Tensor): Tensor {
  return runUnary(softplusOp, x);
}
/** Limits `x` to `[min, max]`; the gradient is 1 inside the range (bounds included) and 0 outside. */
export function clamp(x: Tensor, min = -Infinity, max = Infinity): Tensor {
  if (Number.isNaN(min) || Number.isNaN(max) || min > max) throw new ValueError(`clamp: need min <= max, got min=${min}, max=${max}`);
  return runUnary(clampOp, x, { p0: min, p1: max });
}
