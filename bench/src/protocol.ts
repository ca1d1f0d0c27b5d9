import type { ImplId, RunOptions, WorkloadId, WorkloadResult } from './types.js';

/** What the parent asks one child process to run. */
export interface Job {
  readonly impl: ImplId;
  readonly workload: WorkloadId;
  readonly variant: string;
  readonly opts: RunOptions;
}

/** What came of a job: a measurement, a deliberate skip (budget), or a failure. */
export type Outcome =
  | { readonly status: 'ok'; readonly result: WorkloadResult }
  | { readonly status: 'skipped' | 'failed'; readonly reason: string };

/** The child's one message to the parent. */
export interface ChildReport {
  readonly outcome: Outcome;
  /** Wall clock of the workload's `run` call alone (no start-up). */
  readonly runSeconds: number;
  /** CPU time (user + system, all threads) the child used during `run`. */
  readonly cpuSeconds: number;
}

/** One row of results/latest.json. */
export interface RunRecord extends Job {
  readonly outcome: Outcome;
  /** Wall clock of the whole child process, start-up included. */
  readonly processSeconds: number;
  /**
   * CPU over wall time during `run` (undefined if the child was killed). For
   * single-threaded work, well under 1 means other processes took the core.
   */
  readonly cpuShare?: number;
}
