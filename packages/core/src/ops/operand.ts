import { DTypeError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import { isFloat } from '../tensor/dtype.js';
import { scalar } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** An op argument: a tensor, or a plain number that takes the other operand's dtype. */
export type TensorLike = Tensor | number;

/** Turns numbers into scalars of the dtype of the first tensor among `args`; checks dtypes agree. */
export function asTensors(op: string, args: readonly TensorLike[]): Tensor[] {
  const dtype = commonDType(op, args);
  return args.map((a) => (typeof a === 'number' ? scalar(a, dtype) : a));
}

function commonDType(op: string, args: readonly TensorLike[]): DType {
  let dtype: DType | undefined;
  for (const a of args) {
    if (typeof a === 'number') continue;
    if (dtype === undefined) dtype = a.dtype;
    else if (a.dtype !== dtype) throw new DTypeError(`${op}: dtypes differ: ${dtype} and ${a.dtype} (use cast)`);
  }
  return dtype ?? 'float32';
}

/** Throws unless `t` is a floating-point tensor. */
export function requireFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: expected a float32 or float64 tensor, got ${t.dtype}`);
}

/** Throws unless `t` is an int32 tensor (indices, targets). */
export function requireInt(op: string, what: string, t: Tensor): void {
  if (t.dtype !== 'int32') throw new DTypeError(`${op}: ${what} must be int32, got ${t.dtype}`);
}
