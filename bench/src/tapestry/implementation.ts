import { setBackend, wasmBackend, wasmSimdSupported } from '@tapestry/core';
import { nativeBackend, nativeStatus } from '@tapestry/native';
import type { Implementation, WorkloadId, WorkloadRun } from '../types.js';
import { loadWorkload } from '../workload-modules.js';

/** Tapestry's side: one module per workload, each exporting `run: WorkloadRun`. */

function load(workload: WorkloadId): Promise<WorkloadRun> {
  return loadWorkload(new URL('./', import.meta.url), workload);
}

/** The pure-TypeScript backend (the default). */
export const tapestry: Implementation = {
  id: 'tapestry',
  setup: async () => {},
  load,
};

/** The same workload code on the WebAssembly SIMD backend (float32 matrix products in SIMD kernels). */
export const tapestryWasm: Implementation = {
  id: 'tapestry-wasm',
  setup: async () => {
    if (!wasmSimdSupported()) throw new Error('WebAssembly SIMD is not supported by this engine');
    setBackend(wasmBackend);
  },
  load,
};

/** The same workload code on the native backend (@tapestry/native: AVX-512/AVX2 kernels on every core). */
export const tapestryNative: Implementation = {
  id: 'tapestry-native',
  setup: async () => {
    const status = nativeStatus();
    if (!status.available) throw new Error(`the native backend is not available: ${status.reason}`);
    setBackend(nativeBackend);
  },
  load,
};
