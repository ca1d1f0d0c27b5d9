import type { WorkloadRun } from '../types.js';

/**
 * W5 `matmul`: C = A·B for square float32 sizes 64, 256, 1024.
 * Slot for Tapestry's implementation: use the shared data (../data), sizes,
 * iteration plans (../plans.ts) and `timeIterations` exactly as ../tfjs/matmul.ts does.
 */
export const run: WorkloadRun = async () => {
  throw new Error('not implemented yet');
};
