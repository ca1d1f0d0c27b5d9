import type { Shape, Tensor } from '@tapestry/core';
import { sizeOf } from '@tapestry/core';
import type { Addon } from './addon.js';
import { outputArray } from './storage.js';

type FloatArray = Float32Array | Float64Array;

/**
 * Element offsets of A, B and C for every matrix of a batched product (3 per batch), with
 * the batch axes of A and B broadcast to the output's. Null when an offset would not fit
 * an Int32Array (the caller then uses the TypeScript kernel).
 */
export function batchOffsets(a: Tensor, b: Tensor, transA: boolean, outShape: Shape): Int32Array | null {
  const rank = outShape.length;
  const M = outShape[rank - 2], N = outShape[rank - 1];
  const K = transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const batchShape = outShape.slice(0, -2);
  const batches = sizeOf(batchShape);
  if (Math.max(a.size, b.size, batches * M * N) >= 2 ** 31) return null;
  const stridesOf = (shape: Shape): number[] => {
    const own = shape.slice(0, -2);
    const offset = batchShape.length - own.length;
    const strides = new Array<number>(batchShape.length).fill(0);
    let step = 1;
    for (let d = own.length - 1; d >= 0; d--) {
      if (own[d] !== 1) strides[d + offset] = step;
      step *= own[d];
    }
    return strides;
  };
  const as = stridesOf(a.shape), bs = stridesOf(b.shape);
  const offsets = new Int32Array(3 * batches);
  const index = new Array<number>(batchShape.length).fill(0);
  for (let batch = 0; batch < batches; batch++) {
    let ai = 0, bi = 0;
    for (let d = 0; d < index.length; d++) {
      ai += index[d] * as[d];
      bi += index[d] * bs[d];
    }
    offsets[3 * batch] = ai * M * K;
    offsets[3 * batch + 1] = bi * K * N;
    offsets[3 * batch + 2] = batch * M * N;
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d] < batchShape[d]) break;
      index[d] = 0;
    }
  }
  return offsets;
}

/** `op(a)·op(b)` of two matrices into `out` (`op` transposes where its flag says). */
export interface ProductSizes {
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

/**
 * The sizes of `op(a)·op(b) → out` for rank-2 float operands of one dtype, or a reason
 * they do not fit together (inner sizes, or `out`'s shape), or null when the operands are
 * not such matrices (the caller then leaves the product to the TypeScript kernel).
 */
export function productSizes(a: Tensor, b: Tensor, transA: boolean, transB: boolean, out: Tensor): ProductSizes | string | null {
  if (a.dtype === 'int32' || a.dtype !== b.dtype || a.dtype !== out.dtype || a.rank !== 2 || b.rank !== 2) return null;
  const M = transA ? a.shape[1] : a.shape[0], K = transA ? a.shape[0] : a.shape[1];
  const N = transB ? b.shape[0] : b.shape[1], K2 = transB ? b.shape[1] : b.shape[0];
  if (K2 !== K || out.rank !== 2 || out.shape[0] !== M || out.shape[1] !== N) return `op(a) is ${M}×${K}, op(b) ${K2}×${N}, out [${out.shape.join(', ')}]`;
  return { M, N, K };
}

/** The batched product into a fresh tensor of `outShape`, or null when native code cannot take it. */
export function nativeMatmul(addon: Addon, a: Tensor, b: Tensor, transA: boolean, transB: boolean, outShape: Shape): Tensor | null {
  if (a.dtype === 'int32' || a.dtype !== b.dtype) return null;
  const rank = outShape.length;
  const M = outShape[rank - 2], N = outShape[rank - 1];
  const K = transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const out = outputArray(addon, a.dtype, sizeOf(outShape)); // every element is written
  if (rank === 2) {
    addon.gemm(a.data as FloatArray, b.data as FloatArray, out, M, N, K, transA, transB, false);
  } else {
    const offsets = batchOffsets(a, b, transA, outShape);
    if (offsets === null) return null;
    addon.gemm(a.data as FloatArray, b.data as FloatArray, out, M, N, K, transA, transB, false, offsets);
  }
  const Ctor = a.constructor as new (shape: Shape, data: FloatArray) => Tensor;
  return new Ctor([...outShape], out);
}
