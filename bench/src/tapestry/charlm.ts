import type { WorkloadRun } from '../types.js';

/**
 * W2 `charlm`: Embedding → 2-layer LSTM/GRU (256) → Linear, cross-entropy, clip 5, Adam.
 * Slot for Tapestry's implementation: use the shared data (../data), sizes,
 * iteration plans (../plans.ts) and `timeIterations` exactly as ../tfjs/charlm.ts does.
 */
export const run: WorkloadRun = async () => {
  throw new Error('not implemented yet');
};
