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

/** When bound recurrent loops split by batch rows (see the package README, "Threads"). */
export interface RowSplitOptions {
  /**
   * `'auto'` (the default): where every command reads and writes only its own rows and
   * the run is large enough to pay; `'off'`: never; `'always'`: wherever it is sound,
   * whatever the size (to compare the two ways).
   */
  readonly mode?: 'auto' | 'off' | 'always';
  /** In `'auto'`, the fewest batch rows per thread (default 4). */
  readonly minRowsPerThread?: number;
  /** In `'auto'`, the least work per run, in multiply-adds and element operations (default 2^22). */
  readonly minWork?: number;
}

const rowSplitModes = { auto: 0, off: 1, always: 2 } as const;

/**
 * Sets when runs of bound loops split by batch rows over the thread pool; options left
 * out return to their defaults. Results do not depend on it: each row is computed by the
 * same kernels in the same order either way.
 */
export function setNativeRowSplit(options: RowSplitOptions = {}): void {
  const { mode = 'auto', minRowsPerThread = 4, minWork = 2 ** 22 } = options;
  if (!(mode in rowSplitModes)) throw new RangeError(`setNativeRowSplit: mode must be 'auto', 'off' or 'always', got ${String(mode)}`);
  if (!Number.isInteger(minRowsPerThread) || minRowsPerThread < 1) throw new RangeError(`setNativeRowSplit: minRowsPerThread must be a positive integer, got ${minRowsPerThread}`);
  if (!(minWork >= 0)) throw new RangeError(`setNativeRowSplit: minWork must be a non-negative number, got ${minWork}`);
  addon('setNativeRowSplit').setRowSplit(rowSplitModes[mode], minRowsPerThread, minWork);
}
