import { DTypeError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { isFloat } from '../tensor/dtype.js';
import { scalar } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Op } from './op.js';

/** An op argument: a tensor, or a plain number that takes the other operand's dtype. */
export type TensorLike = Tensor | number;

/**
 * Turns numbers into scalars of the dtype of the first tensor among `args` (returning
 * `args` itself when it holds no numbers); throws a
 * {@link DTypeError} naming `op`, the dtypes and the shapes when the tensors' dtypes differ.
 */
export function asTensors(op: string, args: readonly TensorLike[]): Tensor[] {
  let first: Tensor | undefined;
  let numbers = false;
  for (const a of args) {
    if (typeof a === 'number') numbers = true;
    else if (first === undefined) first = a;
    else if (a.dtype !== first.dtype) {
      throw new DTypeError(`${op}: dtypes differ: ${first.dtype} ${formatShape(first.shape)} and ${a.dtype} ${formatShape(a.shape)} (use cast)`);
    }
  }
  if (!numbers) return args as Tensor[];
  const dtype = first?.dtype ?? 'float32';
  return args.map((a) => (typeof a === 'number' ? constant(a, dtype) : a));
}

// Scalars made from plain numbers are immutable constants, so the common ones (1, 0.5,
// 2 in backward rules and models) are shared instead of allocated per op. The cache is
// bounded: a loop over ever-new numbers (a decaying learning rate) just refills it.
const constants: Record<DType, Map<number, Tensor>> = { float32: new Map(), float64: new Map(), int32: new Map() };

function constant(value: number, dtype: DType): Tensor {
  const cache = constants[dtype];
  let t = cache.get(value);
  if (t !== undefined) return t;
  t = scalar(value, dtype);
  // -0 would share +0's key (and NaN is never equal to itself): leave them uncached.
  if (Number.isNaN(value) || Object.is(value, -0)) return t;
  if (cache.size >= 256) cache.clear();
  cache.set(value, t);
  return t;
}

/** Throws a {@link DTypeError} naming `op` unless `t` is a floating-point tensor. */
export function requireFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: expected a float32 or float64 tensor, got ${t.dtype} ${formatShape(t.shape)}`);
}

/** Throws a {@link DTypeError} naming `op` unless `t` is an int32 tensor (indices, targets). */
export function requireInt(op: string, what: string, t: Tensor): void {
  if (t.dtype !== 'int32') throw new DTypeError(`${op}: ${what} must be int32, got ${t.dtype} ${formatShape(t.shape)}`);
}

/** Runs a two-operand op on tensors or numbers (numbers take the other operand's dtype). */
export function runBinary(op: Op<void>, a: TensorLike, b: TensorLike): Tensor {
  return op.run(asTensors(op.spec.name, [a, b]), undefined)[0];
}
