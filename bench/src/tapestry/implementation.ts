import type { Implementation, WorkloadId, WorkloadRun } from '../types.js';

/** Tapestry's side: one module per workload, each exporting `run: WorkloadRun`. */

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

export const tapestry: Implementation = {
  id: 'tapestry',
  // Nothing to prepare yet; a backend choice (wasm, threads) would go here.
  setup: async () => {},
  load,
};
