import type { Implementation, WorkloadId, WorkloadRun } from '../types.js';
import { type TfjsBackend, selectBackend } from './backend.js';

/** The same workload code on each tfjs backend; the backend is chosen per process. */

async function load(workload: WorkloadId): Promise<WorkloadRun> {
  switch (workload) {
    case 'W1':
      return (await import('./sine.js')).run;
    case 'W2':
      return (await import('./charlm.js')).run;
    case 'W3':
      return (await import('./longseq.js')).run;
    case 'W4':
      return (await import('./generate.js')).run;
    case 'W5':
      return (await import('./matmul.js')).run;
  }
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
