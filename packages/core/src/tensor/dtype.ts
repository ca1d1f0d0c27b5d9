import { DTypeError, ValueError } from '../errors.js';
import { storageSource } from './storage-source.js';

/** The element types a tensor can hold. */
export type DType = 'float32' | 'float64' | 'int32';

/** The typed array that stores a tensor of each dtype. */
export interface DTypeArrays {
  /** Single precision: the default for parameters and activations. */
  float32: Float32Array;
  /** Double precision: gradient checks, reference computations. */
  float64: Float64Array;
  /** Indices, token ids, targets; no gradient flows through them. */
  int32: Int32Array;
}

/** Any storage array a tensor can have. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** The dtypes Tapestry has, for validating a dtype that came from untyped code. */
export const dtypes: readonly DType[] = ['float32', 'float64', 'int32'];

/** Throws a {@link DTypeError} naming `op` unless `dtype` is one of {@link dtypes}. */
export function checkDType(op: string, dtype: unknown): asserts dtype is DType {
  if (!(dtypes as readonly unknown[]).includes(dtype)) {
    throw new DTypeError(`${op}: unsupported dtype ${JSON.stringify(dtype)}; Tapestry has ${dtypes.join(', ')}`);
  }
}

/**
 * Allocates zeroed storage of `size` elements for `dtype`. A size no typed array can
 * hold, or more memory than the engine can give, throws a {@link ValueError} naming
 * `op`, the size and the dtype instead of a bare `RangeError`.
 */
export function allocate(dtype: DType, size: number, op = 'allocate'): TypedArray {
  const recycled = storageSource()?.(dtype, size);
  if (recycled !== undefined) return recycled.fill(0);
  try {
    switch (dtype) {
      case 'float32':
        return new Float32Array(size);
      case 'float64':
        return new Float64Array(size);
      case 'int32':
        return new Int32Array(size);
    }
  } catch (e) {
    if (e instanceof RangeError) throw new ValueError(`${op}: cannot allocate ${size} ${dtype} elements (${e.message})`, { cause: e });
    throw e;
  }
  // Reached only for a dtype outside the type (from untyped code): checkDType throws.
  checkDType(op, dtype);
  throw new DTypeError(`${op}: unsupported dtype`);
}

/** True for the floating-point dtypes, the only ones gradients flow through. */
export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/** The dtype whose storage is `array`. */
export function dtypeOf(array: TypedArray): DType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  return 'int32';
}

/** The dtype new floating-point tensors get when none is given. */
export const defaultFloat: DType = 'float32';
