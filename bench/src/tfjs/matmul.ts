import * as tf from '@tensorflow/tfjs';
import { normals } from '../data/random.js';
import { SEEDS } from '../data/sizes.js';
import { matmulPlan } from '../plans.js';
import { calibrateReps, median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { tfjsResult } from './result.js';

/** W5 `matmul`: GFLOP/s of C = A·B, square float32, counting 2n³ flops per product. */

export const run: WorkloadRun = async (variant, opts) => {
  const n = Number(variant);
  if (![64, 256, 1024].includes(n)) throw new Error(`W5: unknown size ${variant}`);
  const a = tf.tensor2d(normals(n * n, SEEDS.matmulA), [n, n]);
  const b = tf.tensor2d(normals(n * n, SEEDS.matmulB), [n, n]);
  const product = (): void => {
    const c = tf.matMul(a, b);
    c.dataSync(); // read back, so a lazy backend could not skip or defer the work
    c.dispose();
  };
  const plan = matmulPlan(opts.quick);
  const reps = calibrateReps(product, plan.sampleMs);
  const sample = (): void => {
    for (let r = 0; r < reps; r++) product();
  };
  const timing = await timeIterations(sample, plan, opts.budgetSeconds);
  const figure = (2 * n ** 3 * reps) / (median(timing.samplesMs) / 1000) / 1e9;
  return tfjsResult({ figure, unit: 'GFLOP/s', higherIsBetter: true }, timing);
};
