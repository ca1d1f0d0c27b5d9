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

/** Allocates zeroed storage of `size` elements for `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
  }
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
