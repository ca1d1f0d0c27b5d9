import { DTypeError, ShapeError, ValueError } from '../errors.js';
import type { DType, DTypeArrays, TypedArray } from './dtype.js';
import { allocate, checkDType, defaultFloat, dtypeOf } from './dtype.js';
import type { Shape } from './shape.js';
import { checkShape, formatShape, sizeOf } from './shape.js';
import type { NestedArray } from './tensor.js';
import { Tensor } from './tensor.js';

/** Options for creating a tensor. */
export interface CreateOptions {
  /** Element type; defaults to the data's own type, else `float32`. */
  dtype?: DType;
  /** Shape; required for flat data of rank other than 1. */
  shape?: Shape;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flattenNested(data: NestedArray, shape: Shape, out: TypedArray): void {
  let k = 0;
  const visit = (node: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(node)) throw new ShapeError(`tensor: ragged nested array, expected shape ${formatShape(shape)}`);
      out[k++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw new ShapeError(`tensor: ragged nested array, expected shape ${formatShape(shape)}`);
    }
    for (const child of node) visit(child, dim + 1);
  };
  visit(data, 0);
}

/**
 * Throws a {@link ValueError} naming `op` unless every value fits an int32 exactly: an
 * integer in [−2³¹, 2³¹ − 1]. A typed array would silently truncate 1.7 and wrap 3e10.
 */
function checkInt32Values(op: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) {
      throw new ValueError(`${op}: ${v} (element ${i}) is not an int32 value; int32 tensors hold integers in [-2147483648, 2147483647] (use cast to truncate)`);
    }
  }
}

/**
 * Creates a tensor from a number, a nested array, or a flat typed array (copied).
 *
 * @example
 * ```ts
 * import { tensor } from '@tapestry/core';
 * const a = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
 * const b = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
 * ```
 */
export function tensor(data: NestedArray | TypedArray | readonly number[], options: CreateOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const dtype = options.dtype ?? dtypeOf(data);
    checkDType('tensor', dtype);
    const shape = options.shape ?? [data.length];
    checkShape('tensor', shape);
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`tensor: shape ${formatShape(shape)} needs ${sizeOf(shape)} elements, got ${data.length}`);
    }
    if (dtype === 'int32' && !(data instanceof Int32Array)) checkInt32Values('tensor', data);
    const out = allocate(dtype, data.length, 'tensor');
    out.set(data);
    return new Tensor(shape, out);
  }
  const dtype = options.dtype ?? defaultFloat;
  checkDType('tensor', dtype);
  const nested = data as NestedArray;
  const natural = inferShape(nested);
  checkShape('tensor', natural);
  // Filled in float64 first so int32 values can be checked before they are truncated.
  const values = dtype === 'int32' ? new Float64Array(sizeOf(natural)) : allocate(dtype, sizeOf(natural), 'tensor');
  flattenNested(nested, natural, values);
  if (dtype === 'int32') checkInt32Values('tensor', values);
  const out = dtype === 'int32' ? Int32Array.from(values) : values;
  const shape = options.shape ?? natural;
  checkShape('tensor', shape);
  if (sizeOf(shape) !== out.length) {
    throw new ShapeError(`tensor: shape ${formatShape(shape)} needs ${sizeOf(shape)} elements, got ${out.length}`);
  }
  return new Tensor(shape, out);
}

/** A 0-d tensor holding `value`. */
export function scalar(value: number, dtype: DType = defaultFloat): Tensor {
  checkDType('scalar', dtype);
  if (dtype === 'int32') checkInt32Values('scalar', [value]);
  const out = allocate(dtype, 1);
  out[0] = value;
  return new Tensor([], out);
}

function filled(op: string, shape: Shape, value: number, dtype: DType): Tensor {
  checkDType(op, dtype);
  checkShape(op, shape);
  if (dtype === 'int32') checkInt32Values(op, [value]);
  const out = allocate(dtype, sizeOf(shape), op);
  if (value !== 0) out.fill(value);
  return new Tensor(shape, out);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, dtype: DType = defaultFloat): Tensor {
  return filled('full', shape, value, dtype);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, dtype: DType = defaultFloat): Tensor {
  return filled('zeros', shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: Shape, dtype: DType = defaultFloat): Tensor {
  return filled('ones', shape, 1, dtype);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, t.dtype);
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor): Tensor {
  return ones(t.shape, t.dtype);
}

/**
 * Evenly spaced values in `[start, stop)` with step `step` (like `numpy.arange`).
 * With one argument, counts from 0 to `start`.
 */
export function arange(start: number, stop?: number, step = 1, dtype: DType = defaultFloat): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`arange: step must be finite and non-zero, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new ValueError(`arange: start and stop must be finite, got ${start} and ${stop}`);
  checkDType('arange', dtype);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkShape('arange', [n]);
  if (dtype === 'int32' && n > 0) checkInt32Values('arange', [start, step, start + (n - 1) * step]);
  const out = allocate(dtype, n, 'arange');
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new Tensor([n], out);
}

/** `num` evenly spaced values from `start` to `stop`, both included (like `numpy.linspace`). */
export function linspace(start: number, stop: number, num: number, dtype: DType = defaultFloat): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new ValueError(`linspace: num must be a non-negative integer, got ${num}`);
  checkDType('linspace', dtype);
  checkShape('linspace', [num]);
  const out = allocate(dtype, num, 'linspace');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (num > 1) out[num - 1] = stop;
  return new Tensor([num], out);
}

/** The `n × m` identity matrix (`m` defaults to `n`). */
export function eye(n: number, m: number = n, dtype: DType = defaultFloat): Tensor {
  checkDType('eye', dtype);
  checkShape('eye', [n, m]);
  const out = allocate(dtype, n * m, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return new Tensor([n, m], out);
}

/** Wraps typed storage as a tensor without copying; the caller gives up ownership of `data`. */
export function fromStorage<D extends DType>(shape: Shape, data: DTypeArrays[D]): Tensor<D> {
  return new Tensor<D>(shape, data);
}

/** Throws unless `t` has dtype `dtype`. */
export function assertDType(op: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw new DTypeError(`${op}: expected a ${dtype} tensor, got ${t.dtype}`);
}
