import type { WorkloadId, WorkloadRun } from './types.js';

/** Every implementation has one module per workload, with the same file names. */
const FILES: Record<WorkloadId, string> = { W1: 'sine.js', W2: 'charlm.js', W3: 'longseq.js', W4: 'generate.js', W5: 'matmul.js', W6: 'cells.js' };

/**
 * Imports only the workload module a child process runs, from an implementation's
 * folder (`new URL('./', import.meta.url)` of its index), so a run pays for nothing else.
 */
export async function loadWorkload(folder: URL, workload: WorkloadId): Promise<WorkloadRun> {
  const module = (await import(new URL(FILES[workload], folder).href)) as { run: WorkloadRun };
  return module.run;
}
