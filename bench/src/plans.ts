import type { IterationPlan } from './timing.js';
import type { WorkloadId } from './types.js';

/**
 * Iteration counts of WORKLOADS.md, and the reduced ones of `--quick`.
 * Shared by all implementations so they time the same thing.
 */

/** W1: 200 epochs, median of epochs 10..199. */
export function sinePlan(quick: boolean): IterationPlan {
  return quick ? { warmup: 5, timed: 15, noun: 'epoch' } : { warmup: 10, timed: 190, noun: 'epoch' };
}

/** W2: 3 warm-up steps, 20 timed. */
export function charlmPlan(quick: boolean, tokensPerStep: number): IterationPlan {
  const describe = (ms: number): string => `≈${Math.round((tokensPerStep * 1000) / ms)} tokens/s`;
  return quick ? { warmup: 1, timed: 2, noun: 'step', describe } : { warmup: 3, timed: 20, noun: 'step', describe };
}

/** W3: 2 warm-up iterations, 10 timed. */
export function longseqPlan(quick: boolean): IterationPlan {
  return quick ? { warmup: 1, timed: 2, noun: 'iteration' } : { warmup: 2, timed: 10, noun: 'iteration' };
}

/** W4: one warm-up run of 50 steps, then 500 timed steps. */
export function generatePlan(quick: boolean): { warmupSteps: number; steps: number } {
  return quick ? { warmupSteps: 10, steps: 100 } : { warmupSteps: 50, steps: 500 };
}

/**
 * W5: WORKLOADS.md fixes no counts. Each sample is as many products as take
 * `sampleMs` (see `calibrateReps`); 2 warm-up samples, 5 timed.
 */
export function matmulPlan(quick: boolean): IterationPlan & { sampleMs: number } {
  return quick
    ? { warmup: 1, timed: 3, noun: 'sample', sampleMs: 20 }
    : { warmup: 2, timed: 5, noun: 'sample', sampleMs: 50 };
}

/** W6 at B=32, T=100, H=128: 3 warm-up steps, 15 timed (at hidden 16 it follows W1's plan). */
export function cellsPlan(quick: boolean, variant: string): IterationPlan {
  if (variant.endsWith('-h16')) return sinePlan(quick);
  return quick ? { warmup: 1, timed: 3, noun: 'step' } : { warmup: 3, timed: 15, noun: 'step' };
}

/** A plan as plain data, for implementations outside this process (PyTorch). */
export type PlanData = Omit<IterationPlan, 'describe'> | { warmupSteps: number; steps: number } | (Omit<IterationPlan, 'describe'> & { sampleMs: number });

/** The plan of one case, as plain data. */
export function planData(workload: WorkloadId, variant: string, quick: boolean): PlanData {
  const plain = ({ describe: _describe, ...rest }: IterationPlan): Omit<IterationPlan, 'describe'> => rest;
  switch (workload) {
    case 'W1':
      return plain(sinePlan(quick));
    case 'W2':
      return plain(charlmPlan(quick, 1));
    case 'W3':
      return plain(longseqPlan(quick));
    case 'W4':
      return generatePlan(quick);
    case 'W5':
      return matmulPlan(quick);
    case 'W6':
      return plain(cellsPlan(quick, variant));
  }
}
