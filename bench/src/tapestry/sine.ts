import type { WorkloadRun } from '../types.js';

/**
 * W1 `sine`: recurrent layer (hidden 16) + Linear per step, MSE, Adam, 200 full-batch epochs.
 * Slot for Tapestry's implementation: use the shared data (../data), sizes,
 * iteration plans (../plans.ts) and `timeIterations` exactly as ../tfjs/sine.ts does.
 */
export const run: WorkloadRun = async () => {
  throw new Error('not implemented yet');
};
