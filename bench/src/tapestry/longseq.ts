import type { WorkloadRun } from '../types.js';

/**
 * W3 `longseq`: RNN/LSTM over 512 steps; forward + backward recording ‖∂L/∂h_t‖ for every t.
 * Slot for Tapestry's implementation: use the shared data (../data), sizes,
 * iteration plans (../plans.ts) and `timeIterations` exactly as ../tfjs/longseq.ts does.
 */
export const run: WorkloadRun = async () => {
  throw new Error('not implemented yet');
};
