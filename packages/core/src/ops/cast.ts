import { backend } from '../backend/current.js';
import type { DType } from '../tensor/dtype.js';
import { checkDType, isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineOp } from './op.js';

/** The registered op behind {@link cast}. */
export const castOp = defineOp<{ dtype: DType }>({
  name: 'cast',
  forward: ([x], { dtype }) => backend().cast(x, dtype),
  // Gradients flow between float dtypes only; a cast to or from int32 is a constant.
  vjp: ([g], { inputs: [x] }) => [isFloat(x.dtype) && isFloat(g.dtype) ? cast(g, x.dtype) : null],
});

/** Converts to another dtype (float → int32 truncates toward zero). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkDType('cast', dtype);
  if (x.dtype === dtype) return x;
  return castOp.run([x], { dtype })[0];
}
