import type { DType, TypedArray } from '@tapestry/core';
import { Tensor, allocate, dtypeOf, fromStorage } from '@tapestry/core';
import { DataError, checkInteger, checkOptionKeys } from './errors.js';

/** Options of {@link slidingWindows}. */
export interface WindowOptions {
  /** The dtype of the windows; defaults to the series' own (`float32` for a plain array). */
  dtype?: DType;
  /** Steps between the starts of consecutive windows. Default 1. */
  stride?: number;
}

/** Input windows and their one-step-ahead targets, batch first. */
export interface WindowPairs {
  /** `[N, n, F]`: `inputs[i] = x[i·stride : i·stride + n]`. */
  readonly inputs: Tensor;
  /** `[N, n, F]`: `targets[i] = x[i·stride + 1 : i·stride + n + 1]`. */
  readonly targets: Tensor;
}

/**
 * Cuts a series into overlapping windows of length `n` with next-step targets, the
 * tutorial's `X[i] = x[i:i+n]`, `Y[i] = x[i+1:i+n+1]`. A series of length L (a plain
 * array, a rank-1 tensor, or a rank-2 tensor `[L, F]` of F features) gives
 * N = ⌊(L − n − 1) / stride⌋ + 1 windows of shape `[n, F]` (F = 1 for rank 1).
 * Throws a `DataError` when the series is shorter than `n + 1`.
 *
 * @example
 * ```ts
 * import { slidingWindows } from '@tapestry/data';
 * const { inputs, targets } = slidingWindows([0, 1, 2, 3, 4], 3);
 * inputs.toArray();  // [[[0], [1], [2]], [[1], [2], [3]]]
 * targets.toArray(); // [[[1], [2], [3]], [[2], [3], [4]]]
 * ```
 */
export function slidingWindows(series: ArrayLike<number> | Tensor, n: number, options: WindowOptions = {}): WindowPairs {
  checkOptionKeys('slidingWindows', options, { dtype: true, stride: true });
  const { stride = 1 } = options;
  checkInteger('slidingWindows', 'windowLength', n, 1);
  checkInteger('slidingWindows', 'stride', stride, 1);
  const { data, length: L, features: F } = asSeries(series);
  if (L < n + 1) throw new DataError('too-short', `slidingWindows: a series of length ${L} is too short for windows of ${n} with a next-step target (needs ${n + 1})`);
  const dtype = options.dtype ?? (isStorage(data) ? dtypeOf(data) : 'float32');
  const source = toStorage(data, dtype);
  const N = Math.floor((L - n - 1) / stride) + 1;
  const size = n * F;
  const inputs = allocate(dtype, N * size);
  const targets = allocate(dtype, N * size);
  for (let i = 0; i < N; i++) {
    const from = i * stride * F;
    inputs.set(source.subarray(from, from + size), i * size);
    targets.set(source.subarray(from + F, from + F + size), i * size);
  }
  return { inputs: fromStorage([N, n, F], inputs), targets: fromStorage([N, n, F], targets) };
}

function asSeries(series: ArrayLike<number> | Tensor): { data: ArrayLike<number>; length: number; features: number } {
  if (!(series instanceof Tensor)) return { data: series, length: series.length, features: 1 };
  if (series.rank === 1) return { data: series.data, length: series.shape[0], features: 1 };
  if (series.rank === 2) return { data: series.data, length: series.shape[0], features: series.shape[1] };
  throw new DataError('invalid-argument', `slidingWindows: series must be rank 1 [L] or rank 2 [L, F], got shape [${series.shape.join(',')}]`);
}

function toStorage(data: ArrayLike<number>, dtype: DType): TypedArray {
  if (isStorage(data) && dtypeOf(data) === dtype) return data;
  const out = allocate(dtype, data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i];
  return out;
}

function isStorage(data: ArrayLike<number>): data is TypedArray {
  return data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array;
}
