import { setBackend, wasmBackend, wasmSimdSupported } from '@tapestry/core';
import { availableParallelism } from 'node:os';
import { nativeBackend, nativeStatus, setNativeThreads } from '@tapestry/native';
import type { Implementation, WorkloadId, WorkloadRun } from '../types.js';
import { loadWorkload } from '../workload-modules.js';
import { setTapestryThreads } from './result.js';

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

/** The native backend (@tapestry/native: AVX-512/AVX2 kernels) on `threads` threads. */
function native(id: 'tapestry-native' | 'tapestry-native-all', threads: number): Implementation {
  return {
    id,
    setup: async () => {
      const status = nativeStatus();
      if (!status.available) throw new Error(`the native backend is not available: ${status.reason}`);
      setNativeThreads(threads);
      setTapestryThreads(threads);
      setBackend(nativeBackend);
    },
    load,
  };
}

/** The native backend on one thread (compared with PyTorch on one thread). */
export const tapestryNative = native('tapestry-native', 1);
/** The native backend on every core. */
export const tapestryNativeAll = native('tapestry-native-all', availableParallelism());
