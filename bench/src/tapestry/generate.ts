import type { WorkloadRun } from '../types.js';

/**
 * W4 `generate`: the W2 LSTM model sampling 500 tokens one at a time, no gradients.
 * Slot for Tapestry's implementation: use the shared data (../data), sizes,
 * iteration plans (../plans.ts) and `timeIterations` exactly as ../tfjs/generate.ts does.
 */
export const run: WorkloadRun = async () => {
  throw new Error('not implemented yet');
};
