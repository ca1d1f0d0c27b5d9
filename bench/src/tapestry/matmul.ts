import { dispose, matmul, tensor } from '@tapestry/core';
import { normals } from '../data/random.js';
import { SEEDS } from '../data/sizes.js';
import { matmulPlan } from '../plans.js';
import { calibrateReps, median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { expectClose, tapestryResult } from './result.js';

/** W5 `matmul`: C = A·B, float32, square n; GFLOP/s = 2n³ / s. */
export const run: WorkloadRun = async (variant, opts) => {
  const n = Number(variant);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`W5: bad size ${variant}`);
  const a = tensor(normals(n * n, SEEDS.matmulA), { shape: [n, n] });
  const b = tensor(normals(n * n, SEEDS.matmulB), { shape: [n, n] });
  const plan = matmulPlan(opts.quick);
  // Each product's output is disposed at once, as PyTorch frees it when its last
  // reference goes and the TensorFlow.js column disposes it: the next product then gets
  // the same block back, instead of a new one while the old waits for a collection.
  const product = (): void => dispose(matmul(a, b));
  const reps = calibrateReps(product, plan.sampleMs);
  const timing = await timeIterations(() => {
    for (let r = 0; r < reps; r++) product();
  }, plan, opts.budgetSeconds);
  // Self-check one entry against a plain dot product in double precision.
  const c = matmul(a, b);
  const i = n >> 1, j = n - 1;
  let dot = 0;
  for (let k = 0; k < n; k++) dot += a.data[i * n + k] * b.data[k * n + j];
  const check = expectClose(`C[${i},${j}] vs a plain dot product`, c.data[i * n + j], dot, 1e-4);
  const seconds = median(timing.samplesMs) / 1000 / reps;
  return tapestryResult({ figure: (2 * n ** 3) / seconds / 1e9, unit: 'GFLOP/s', higherIsBetter: true }, timing, check);
};
