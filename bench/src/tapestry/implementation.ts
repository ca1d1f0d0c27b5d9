import type { Implementation, WorkloadId, WorkloadRun } from '../types.js';
import { loadWorkload } from '../workload-modules.js';

/** Tapestry's side: one module per workload, each exporting `run: WorkloadRun`. */

function load(workload: WorkloadId): Promise<WorkloadRun> {
  return loadWorkload(new URL('./', import.meta.url), workload);
}

export const tapestry: Implementation = {
  id: 'tapestry',
  // Nothing to prepare yet; a backend choice (wasm, threads) would go here.
  setup: async () => {},
  load,
};
