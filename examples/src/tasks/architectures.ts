/**
 * Task 2 — architecture comparison.
 *
 * The exercise: on the sine task, compare RNN, LSTM and GRU — but at *equal parameter
 * budgets*, since a gated cell of the same width has three or four times the weights of
 * a vanilla one. For each budget (about 1k, 4k and 16k parameters) each cell gets the
 * hidden size that comes closest, and trains with several seeds; we keep every epoch's
 * loss (the dynamics, not only where it ends), the held-out loss and the time per epoch.
 */
import type { Progress } from '../cli/progress.js';
import type { CellKind } from '../models/recurrent.js';
import { trainSineModel } from './sine.js';

/** Settings of the comparison: every budget (sizes, epochs, seeds) is here. */
export interface ArchitecturesConfig {
  readonly cells: readonly CellKind[];
  readonly layers: readonly number[];
  /** Target parameter counts (recurrent layers and the dense head together). */
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly lr: number;
}

/** The defaults `pnpm demo` uses. */
export const architecturesDefaults: ArchitecturesConfig = { cells: ['rnn', 'lstm', 'gru'], layers: [1], budgets: [1000, 4000, 16000], seeds: [0, 1, 2], epochs: 120, lr: 1e-2 };

/** Gate blocks per cell: the rows of W_ih are gates × hidden. */
const gates: Record<CellKind, number> = { rnn: 1, lstm: 4, gru: 3 };

/**
 * Parameters of a PyTorch-layout stack with a dense head to one output: per layer
 * gates·H·(input + H) weights and two bias vectors of gates·H; the head H + 1.
 */
export function parameterCount(cell: CellKind, layers: number, hidden: number, inputSize = 1): number {
  const g = gates[cell];
  let n = hidden + 1;
  for (let l = 0; l < layers; l++) n += g * hidden * ((l === 0 ? inputSize : hidden) + hidden) + 2 * g * hidden;
  return n;
}

/** The hidden size whose parameter count comes closest to `budget`. */
export function hiddenForBudget(cell: CellKind, layers: number, budget: number): number {
  let best = 1;
  for (let h = 1; parameterCount(cell, layers, h) < 4 * budget; h++) {
    if (Math.abs(parameterCount(cell, layers, h) - budget) < Math.abs(parameterCount(cell, layers, best) - budget)) best = h;
  }
  return best;
}

/** One configuration and seed. */
export interface ArchitectureRun {
  readonly cell: CellKind;
  readonly layers: number;
  readonly budget: number;
  readonly hidden: number;
  readonly parameters: number;
  readonly seed: number;
  readonly finalLoss: number;
  readonly heldOutLoss: number;
  readonly msPerEpoch: number;
  readonly losses: readonly number[];
}

/** Every run that completed. */
export interface ArchitecturesResult {
  readonly config: ArchitecturesConfig;
  readonly runs: readonly ArchitectureRun[];
}

/** Trains every budget × cell × layers × seed with the same data and epochs. */
export async function run(config: ArchitecturesConfig, progress: Progress): Promise<ArchitecturesResult> {
  const runs: ArchitectureRun[] = [];
  for (const budget of config.budgets) {
    for (const cell of config.cells) {
      for (const layers of config.layers) {
        const hidden = hiddenForBudget(cell, layers, budget);
        for (const seed of config.seeds) {
          if (progress.shouldStop()) return { config, runs };
          const r = await trainSineModel(cell, { hidden, layers, epochs: config.epochs, lr: config.lr, window: 10, heldOut: 10, seed }, progress);
          if (r.interrupted) return { config, runs };
          runs.push({ cell, layers, budget, hidden, parameters: parameterCount(cell, layers, hidden), seed, finalLoss: r.finalLoss, heldOutLoss: r.heldOutLoss, msPerEpoch: r.msPerEpoch, losses: r.losses });
        }
      }
    }
  }
  return { config, runs };
}
