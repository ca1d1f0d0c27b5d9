/**
 * Task 2 — architecture comparison.
 *
 * The exercise: on the sine task, vary the cell (RNN, LSTM, GRU), the number of stacked
 * layers (1, 2) and the hidden size (8, 16, 32), and compare the final training loss
 * with the time an epoch takes. Gated cells cost more per step; the question is what
 * they buy for it.
 */
import type { Progress } from '../cli/progress.js';
import type { CellKind } from '../models/recurrent.js';
import { trainSineModel } from './sine.js';

/** Settings of the comparison. */
export interface ArchitecturesConfig {
  readonly cells: readonly CellKind[];
  readonly layers: readonly number[];
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly lr: number;
  readonly seed: number;
}

/** The defaults `pnpm demo` uses. */
export const architecturesDefaults: ArchitecturesConfig = { cells: ['rnn', 'lstm', 'gru'], layers: [1, 2], hidden: [8, 16, 32], epochs: 50, lr: 1e-2, seed: 0 };

/** One configuration's outcome. */
export interface ArchitectureRun {
  readonly cell: CellKind;
  readonly layers: number;
  readonly hidden: number;
  readonly finalLoss: number;
  readonly heldOutLoss: number;
  readonly msPerEpoch: number;
  readonly losses: readonly number[];
}

/** Every configuration of the grid that completed. */
export interface ArchitecturesResult {
  readonly config: ArchitecturesConfig;
  readonly runs: readonly ArchitectureRun[];
}

/** Trains every cell × layers × hidden combination with the same seed and budget. */
export async function run(config: ArchitecturesConfig, progress: Progress): Promise<ArchitecturesResult> {
  const runs: ArchitectureRun[] = [];
  for (const cell of config.cells) {
    for (const layers of config.layers) {
      for (const hidden of config.hidden) {
        if (progress.shouldStop()) return { config, runs };
        const r = await trainSineModel(cell, { hidden, layers, epochs: config.epochs, lr: config.lr, window: 10, heldOut: 10, seed: config.seed }, progress);
        if (r.interrupted) return { config, runs };
        runs.push({ cell, layers, hidden, finalLoss: r.finalLoss, heldOutLoss: r.heldOutLoss, msPerEpoch: r.msPerEpoch, losses: r.losses });
      }
    }
  }
  return { config, runs };
}
