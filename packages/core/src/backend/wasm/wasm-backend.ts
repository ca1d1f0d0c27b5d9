import type { Backend } from '../backend.js';
import { jsBackend } from '../js/js-backend.js';
import { matmul, matmulInto } from './matmul.js';

/**
 * The WebAssembly SIMD backend: float32 matrix products run in 128-bit SIMD kernels
 * (gemm.wat, about 1 KB, compiled on first use); every other kernel, and float64 and
 * int32 products, are the pure-TypeScript backend's. Results agree with the
 * TypeScript backend to float32 rounding (the sums are taken in another order).
 *
 * Install it with {@link setBackend} when {@link wasmSimdSupported} is true:
 *
 * @example
 * ```ts
 * import { matmul, setBackend, tensor, wasmBackend, wasmSimdSupported } from '@tapestry/core';
 *
 * if (wasmSimdSupported()) setBackend(wasmBackend);
 * const y = matmul(tensor([[1, 2]]), tensor([[3], [4]]));
 * console.log(y.item()); // 11
 * ```
 */
export const wasmBackend: Backend = { ...jsBackend, name: 'wasm-simd', matmul, matmulInto };
