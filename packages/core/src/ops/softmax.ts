import { backend } from '../backend/current.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul, sub } from './arithmetic.js';
import { exp } from './math.js';
import { defineOp } from './op.js';
import { requireFloat } from './operand.js';
import { sum } from './reduce.js';

/** The registered op behind {@link softmax}. */
export const softmaxOp = defineOp<{ axis: number }>({
  name: 'softmax',
  forward: ([x], { axis }) => backend().softmax(x, axis),
  vjp: ([g], { outputs: [y], attrs: { axis } }) => [mul(y, sub(g, sum(mul(g, y), axis, true)))],
});

/** The registered op behind {@link logSoftmax}. */
export const logSoftmaxOp = defineOp<{ axis: number }>({
  name: 'logSoftmax',
  forward: ([x], { axis }) => backend().logSoftmax(x, axis),
  vjp: ([g], { outputs: [y], attrs: { axis } }) => [sub(g, mul(exp(y), sum(g, axis, true)))],
});

/** Softmax along `axis` (default: last), stable for large inputs. */
export function softmax(x: Tensor, axis = -1): Tensor {
  requireFloat('softmax', x);
  return softmaxOp.run([x], { axis: normalizeAxis('softmax', axis, x.shape) })[0];
}

/** Log-softmax along `axis` (default: last), stable for large inputs. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  requireFloat('logSoftmax', x);
  return logSoftmaxOp.run([x], { axis: normalizeAxis('logSoftmax', axis, x.shape) })[0];
}
