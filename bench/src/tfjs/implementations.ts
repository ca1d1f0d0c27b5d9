import type { Implementation, WorkloadId, WorkloadRun } from '../types.js';
import { loadWorkload } from '../workload-modules.js';
import { type TfjsBackend, selectBackend } from './backend.js';

/** The same workload code on each tfjs backend; the backend is chosen per process. */

function load(workload: WorkloadId): Promise<WorkloadRun> {
  return loadWorkload(new URL('./', import.meta.url), workload);
}

function tfjsImplementation(backend: TfjsBackend): Implementation {
  return {
    id: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm',
    setup: () => selectBackend(backend),
    load,
  };
}

export const tfjsCpu = tfjsImplementation('cpu');
export const tfjsWasm = tfjsImplementation('wasm');
