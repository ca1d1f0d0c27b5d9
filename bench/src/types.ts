/**
 * The contract between the harness and every implementation of the workloads.
 *
 * An implementation (Tapestry, TensorFlow.js on one backend, ...) provides one
 * `WorkloadRun` per workload. The harness calls it in a fresh child process, so
 * whatever the run allocates — and its peak resident memory — is its own.
 */

/**
 * Implementations compared side by side, in table column order. Ids starting with
 * `tapestry` are this project's (the table adds their ratios against tfjs-wasm and
 * PyTorch); `pytorch-*` run in Python (see `pytorch.ts`).
 */
export const IMPL_IDS = ['tapestry', 'tapestry-wasm', 'tapestry-native', 'tapestry-native-all', 'tfjs-cpu', 'tfjs-wasm', 'pytorch-1t', 'pytorch-all'] as const;
export type ImplId = (typeof IMPL_IDS)[number];

/** Workloads of WORKLOADS.md. */
export const WORKLOAD_IDS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface RunOptions {
  /** Smoke run: fewer iterations; figures are not for comparison. */
  readonly quick: boolean;
  /**
   * Wall-clock seconds this run may spend on warm-up plus timed iterations.
   * Implementations cut iterations to stay inside it (see `timeIterations`)
   * and say so in `WorkloadResult.note`; the runner kills the child a little
   * after it, so a run that cannot finish one iteration still ends.
   */
  readonly budgetSeconds: number;
}

/** What one run of one workload variant measured. */
export interface WorkloadResult {
  /** The headline figure (ms per epoch, tokens per second, GFLOP/s, ...). */
  readonly figure: number;
  /** Unit of `figure`: the workload's unit in workloads.ts (e.g. `ms/epoch`). */
  readonly unit: string;
  /** True for throughput-like figures (tokens/s, GFLOP/s), false for times. */
  readonly higherIsBetter: boolean;
  /** Wall-clock milliseconds of each timed iteration, in order. */
  readonly samplesMs: readonly number[];
  /** Loss at the last step, where the workload trains. */
  readonly finalLoss?: number;
  /** Extra series, e.g. W3's `gradNorms`: ‖∂L/∂h_t‖ for t = 0..511. */
  readonly series?: Readonly<Record<string, readonly number[]>>;
  /** Threads the library computed with. */
  readonly threads: number;
  /** Peak resident set size of the process, in MiB (see `peakRssMiB`). */
  readonly peakRssMiB: number;
  /** Anything a reader must know to interpret the figure (cut iterations, ...). */
  readonly note?: string;
  /**
   * A second way the same library ran the workload, shown beside the figure (PyTorch's
   * W3: the headline is the fused layer, `cells` the step-by-step loop).
   */
  readonly alternate?: { readonly label: string; readonly figure: number; readonly samplesMs: readonly number[] };
}

/**
 * One workload of one implementation. `variant` is one of the names listed for
 * the workload in `workloads.ts` (e.g. `lstm`, `1024`). Throws when it cannot
 * measure; `BudgetExceeded` marks a deliberate skip.
 */
export type WorkloadRun = (variant: string, opts: RunOptions) => Promise<WorkloadResult>;

/** An implementation: a process set-up plus one lazily loaded run per workload. */
export interface Implementation {
  readonly id: ImplId;
  /** Prepares the child process (e.g. selects the tfjs backend). Called once, before `load`. */
  setup(): Promise<void>;
  /** Imports only the module the child runs, so a run pays for nothing else. */
  load(workload: WorkloadId): Promise<WorkloadRun>;
}
