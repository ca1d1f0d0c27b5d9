import { DTypeError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { isFloat } from '../tensor/dtype.js';
import { scalar } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** An op argument: a tensor, or a plain number that takes the other operand's dtype. */
export type TensorLike = Tensor | number;

/**
 * Turns numbers into scalars of the dtype of the first tensor among `args`; throws a
 * {@link DTypeError} naming `op`, the dtypes and the shapes when the tensors' dtypes differ.
 */
export function asTensors(op: string, args: readonly TensorLike[]): Tensor[] {
  let first: Tensor | undefined;
  for (const a of args) {
    if (typeof a === 'number') continue;
    if (first === undefined) first = a;
    else if (a.dtype !== first.dtype) {
      throw new DTypeError(`${op}: dtypes differ: ${first.dtype} ${formatShape(first.shape)} and ${a.dtype} ${formatShape(a.shape)} (use cast)`);
    }
  }
  const dtype = first?.dtype ?? 'float32';
  return args.map((a) => (typeof a === 'number' ? scalar(a, dtype) : a));
}

/** Throws a {@link DTypeError} naming `op` unless `t` is a floating-point tensor. */
export function requireFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: expected a float32 or float64 tensor, got ${t.dtype} ${formatShape(t.shape)}`);
}

/** Throws a {@link DTypeError} naming `op` unless `t` is an int32 tensor (indices, targets). */
export function requireInt(op: string, what: string, t: Tensor): void {
  if (t.dtype !== 'int32') throw new DTypeError(`${op}: ${what} must be int32, got ${t.dtype} ${formatShape(t.shape)}`);
}
