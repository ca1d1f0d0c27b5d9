import { backend } from '../backend/current.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineOp } from './op.js';
import type { TensorLike } from './operand.js';
import { asTensors } from './operand.js';

/** Selection by a condition; the condition gets no gradient. */
export const whereOp = defineOp<void>({
  name: 'where',
  forward: ([cond, a, b]) => {
    const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
    return backend().where(cond, a, b, shape);
  },
  vjp: ([g], { inputs: [cond], needsGrad: [, needA, needB] }) => [null, needA ? where(cond, g, 0) : null, needB ? where(cond, 0, g) : null],
});

/**
 * `cond ? a : b` element-wise with broadcasting (`cond` is non-zero for true; any dtype).
 *
 * @example
 * ```ts
 * import { where, greater, tensor } from '@tapestry/core';
 * const x = tensor([-1, 2]);
 * where(greater(x, 0), x, 0); // [0, 2]
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = asTensors('where', [a, b]);
  return whereOp.run([cond, ta, tb], undefined)[0];
}
