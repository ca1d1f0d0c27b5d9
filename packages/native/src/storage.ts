import type { DType, TypedArray } from '@tapestry/core';
import type { Addon } from './addon.js';

/**
 * Below this many bytes V8's own allocation (zero-filled, often inside the JavaScript heap)
 * is cheaper than a call into the addon; above it the pool wins by far (measured: 1 KiB
 * 0.5 µs vs 0.8, 16 KiB 4 µs vs 57 with fresh pages, 4 MiB 0.19 ms vs 0.57).
 */
const POOL_MIN_BYTES = 1024;

/**
 * Uninitialised storage recycled from the addon's pool (see native/buffer_pool.h) — no
 * zero fill, no fresh pages — or undefined below the size where the pool pays. The memory
 * returns to the pool only when V8 frees the ArrayBuffer, so no live array ever shares it.
 */
export function pooledArray(addon: Addon, dtype: DType, size: number): TypedArray | undefined {
  const bytes = size * (dtype === 'float64' ? 8 : 4);
  if (bytes < POOL_MIN_BYTES) return undefined;
  const buffer = addon.alloc(bytes);
  if (buffer === undefined) return undefined; // V8's sandbox: no outside memory
  pooledBuffers.add(buffer);
  return dtype === 'float32' ? new Float32Array(buffer) : dtype === 'float64' ? new Float64Array(buffer) : new Int32Array(buffer);
}

// The buffers alloc handed out: the only storage `releaseStorage` may free.
const pooledBuffers = new WeakSet<ArrayBuffer>();

/**
 * Returns `data`'s block to the pool now (see `Backend.release`) when it is a whole pooled
 * buffer that no bound step list uses; every view of it is left empty.
 */
export function releaseStorage(addon: Addon, data: TypedArray): boolean {
  const buffer = data.buffer as ArrayBuffer;
  // Only an array that is its whole buffer: a part (one of several outputs of a jitted
  // function sharing one block) leaves its neighbours' storage alone.
  if (!pooledBuffers.has(buffer) || data.byteOffset !== 0 || data.byteLength !== buffer.byteLength) return false;
  return addon.free(buffer);
}

/** Output storage for a kernel that writes every element: pooled, or a small fresh array. */
export function outputArray(addon: Addon, dtype: 'float32' | 'float64', size: number): Float32Array | Float64Array;
export function outputArray(addon: Addon, dtype: DType, size: number): TypedArray;
export function outputArray(addon: Addon, dtype: DType, size: number): TypedArray {
  return pooledArray(addon, dtype, size) ?? (dtype === 'float32' ? new Float32Array(size) : dtype === 'float64' ? new Float64Array(size) : new Int32Array(size));
}
