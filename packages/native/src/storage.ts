import type { Addon } from './addon.js';

/**
 * Below this many bytes V8's own allocation (zero-filled, often inside the JavaScript heap)
 * is cheaper than a call into the addon; above it the pool wins by far (measured: 1 KiB
 * 0.5 µs vs 0.8, 16 KiB 4 µs vs 57 with fresh pages, 4 MiB 0.19 ms vs 0.57).
 */
const POOL_MIN_BYTES = 1024;

/**
 * Output storage for kernels that write every element: uninitialised memory recycled
 * from the addon's pool (see native/buffer_pool.h) — no zero fill, no fresh pages. The
 * memory returns to the pool only when V8 frees the ArrayBuffer, so no live tensor ever
 * shares it.
 */
export function outputArray(addon: Addon, dtype: 'float32' | 'float64', size: number): Float32Array | Float64Array {
  const bytes = size * (dtype === 'float32' ? 4 : 8);
  if (bytes < POOL_MIN_BYTES) return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  const buffer = addon.alloc(bytes);
  return dtype === 'float32' ? new Float32Array(buffer) : new Float64Array(buffer);
}
