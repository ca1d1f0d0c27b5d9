import { loaded } from './addon.js';

function addon(what: string) {
  if (loaded.addon === undefined) throw new Error(`${what}: @tapestry/native is not available: ${loaded.reason}`);
  return loaded.addon;
}

/**
 * Replaces the native thread pool with one of `threads` threads (the default is
 * `TAPESTRY_NUM_THREADS`, else the core count). Results do not depend on it: each
 * thread computes its own block of the output.
 */
export function setNativeThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) throw new RangeError(`setNativeThreads: threads must be an integer in 1…1024, got ${threads}`);
  addon('setNativeThreads').setThreads(threads);
}

/**
 * Switches the kernel set: `'avx512'`, `'avx2'` or `'generic'` (the portable one). The
 * widest the CPU supports is chosen at load (or `TAPESTRY_NATIVE_ISA`); tests and
 * benchmarks switch to compare. Throws when the CPU lacks the named set.
 */
export function selectNativeIsa(isa: 'avx512' | 'avx2' | 'generic'): void {
  if (!addon('selectNativeIsa').selectIsa(isa)) throw new Error(`selectNativeIsa: this CPU does not support ${isa}`);
}

/**
 * Work sizes below which kernels stay on one thread: matrix products of fewer than
 * `multiplyAdds` (M·N·K; for products of at most 32 rows, K·N below `multiplyAdds / 64`)
 * and element-wise programs of fewer than `elements` element-instructions (elements ×
 * instructions). For measuring where threads pay; the defaults (2^23 and 2^14) come from
 * such measurements (see the package README).
 */
export function setNativeParallelThresholds(multiplyAdds: number, elements: number): void {
  addon('setNativeParallelThresholds').setThresholds(multiplyAdds, elements);
}
