/**
 * Task 3 — gradient flow and the vanishing-gradient problem.
 *
 * The adding problem (see `adding.ts`): T random numbers, two of them marked, the target
 * their sum — so the answer depends on a step in the first half of the sequence. The
 * study has three parts:
 *
 * 1. a small learning-rate search per cell at a short length, so every cell trains with
 *    the rate that suits it rather than one picked for the LSTM;
 * 2. a training-length sweep: each cell is trained from scratch at each T (until a
 *    validation batch is solved, or the step budget runs out) and tested on fresh
 *    sequences; at each T, ‖∂L/∂h_t‖ is taken from the tape before and after training;
 * 3. the exploding side: a vanilla RNN with too-large recurrent weights, trained with and
 *    without gradient clipping (`exploding.ts`).
 */
import { Rng } from '@tapestry/core';
import { adam, chain, clipByGlobalNorm } from '@tapestry/optim';
import { addingProblem } from '@tapestry/data';
import type { Progress } from '../cli/progress.js';
import type { CellKind } from '../models/recurrent.js';
import { addingModel, chanceAccuracy, hiddenGradientNorms, initAddingParams, scoreAdding, trainAdding, type AddingModel } from './adding.js';
import { explodingStudy, type ExplodingConfig, type ExplodingRun } from './exploding.js';

/** Settings of the gradient-flow study: every budget (steps, sizes, seeds) is here. */
export interface GradientFlowConfig {
  readonly cells: readonly CellKind[];
  readonly hidden: number;
  readonly batch: number;
  /** The training lengths of the sweep. */
  readonly lengths: readonly number[];
  /** Step budget per cell and length; training stops earlier once a validation batch is solved. */
  readonly maxSteps: number;
  /** Validation accuracy that ends a run early, checked every `checkEvery` steps. */
  readonly stopAccuracy: number;
  readonly checkEvery: number;
  /** Adam learning rates tried per cell, each for `searchSteps` steps at length `searchLength`. */
  readonly lrs: readonly number[];
  readonly searchLength: number;
  readonly searchSteps: number;
  /** Initial LSTM forget-gate bias (PyTorch's default is ≈ 0; Jozefowicz et al. 2015 recommend ≥ 1). */
  readonly forgetBias: number;
  /** Global-norm gradient clipping in the sweep. */
  readonly clip: number;
  readonly exploding: Omit<ExplodingConfig, 'seed'>;
  readonly seed: number;
}

/** The defaults `pnpm demo` uses. */
export const gradientFlowDefaults: GradientFlowConfig = {
  cells: ['rnn', 'lstm', 'gru'],
  hidden: 32,
  batch: 32,
  lengths: [10, 25, 50],
  maxSteps: 1500,
  stopAccuracy: 0.95,
  checkEvery: 100,
  lrs: [1e-3, 3e-3, 1e-2],
  searchLength: 10,
  searchSteps: 300,
  forgetBias: 5,
  clip: 1,
  exploding: { hidden: 32, length: 50, batch: 32, steps: 150, lr: 0.1, gain: 4, clip: 1 },
  seed: 0,
};

/** One learning rate tried for one cell. */
export interface LrTrial {
  readonly cell: CellKind;
  readonly lr: number;
  /** MSE on the validation batch after the search's steps. */
  readonly mse: number;
}

/** One cell trained at one length. */
export interface LengthRun {
  readonly cell: CellKind;
  readonly length: number;
  readonly lr: number;
  /** Steps taken (fewer than the budget when the validation batch was solved). */
  readonly steps: number;
  readonly solved: boolean;
  /** Fraction of test sums predicted within ±0.04. */
  readonly accuracy: number;
  readonly mse: number;
  /** Always answering 1 on the same test sequences. */
  readonly chance: number;
  readonly losses: readonly number[];
  /** ‖∂L/∂h_t‖, t = 1..T, at initialisation and after training. */
  readonly normsInitial: readonly number[];
  readonly normsTrained: readonly number[];
  readonly msPerStep: number;
}

/** The task's outcome. */
export interface GradientFlowResult {
  readonly config: GradientFlowConfig;
  readonly search: readonly LrTrial[];
  /** The learning rate each cell trained with in the sweep. */
  readonly chosenLr: Readonly<Partial<Record<CellKind, number>>>;
  readonly sweep: readonly LengthRun[];
  readonly exploding: readonly ExplodingRun[];
}

/** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: how much of the error signal reaches the first step. */
export function reachRatio(norms: readonly number[]): number {
  return norms[0] / norms[norms.length - 1];
}

const adamWithClip = (c: GradientFlowConfig, lr: number) => chain(clipByGlobalNorm(c.clip), adam({ lr }));

/** Tries every learning rate for `kind` at the search length; keeps the one with the lowest validation MSE. */
async function searchLr(kind: CellKind, c: GradientFlowConfig, progress: Progress): Promise<LrTrial[]> {
  const model = addingModel(kind, c.hidden);
  const validation = addingProblem(new Rng(c.seed + 4), { samples: 256, length: c.searchLength });
  const trials: LrTrial[] = [];
  for (const lr of c.lrs) {
    if (progress.shouldStop()) break;
    const run = await trainAdding(
      model,
      initAddingParams(model, c.seed, c.forgetBias),
      { label: `lr search ${kind} lr=${lr}`, length: c.searchLength, batch: c.batch, steps: c.searchSteps, optimizer: adamWithClip(c, lr), dataSeed: c.seed + 1 },
      progress,
    );
    if (run.interrupted) break;
    trials.push({ cell: kind, lr, mse: scoreAdding(model, run.params, validation).mse });
  }
  return trials;
}

/** Trains one cell from scratch at length T; norms before and after, scores on fresh sequences. */
async function lengthRun(model: AddingModel, length: number, lr: number, c: GradientFlowConfig, progress: Progress): Promise<LengthRun | undefined> {
  const params = initAddingParams(model, c.seed, c.forgetBias);
  const probe = addingProblem(new Rng(c.seed + 2), { samples: c.batch, length });
  const validation = addingProblem(new Rng(c.seed + 4), { samples: 256, length });
  const test = addingProblem(new Rng(c.seed + 3), { samples: 512, length });
  const normsInitial = hiddenGradientNorms(model, params, probe);
  const run = await trainAdding(
    model,
    params,
    {
      label: `adding ${model.kind} T=${length}`,
      length,
      batch: c.batch,
      steps: c.maxSteps,
      optimizer: adamWithClip(c, lr),
      dataSeed: c.seed + 1,
      stopAt: { accuracy: c.stopAccuracy, checkEvery: c.checkEvery, validation },
    },
    progress,
  );
  if (run.interrupted) return undefined;
  const score = scoreAdding(model, run.params, test);
  return {
    cell: model.kind,
    length,
    lr,
    steps: run.steps,
    solved: run.stoppedEarly,
    accuracy: score.accuracy,
    mse: score.mse,
    chance: chanceAccuracy(test),
    losses: run.losses,
    normsInitial,
    normsTrained: hiddenGradientNorms(model, run.params, probe),
    msPerStep: run.medianStepMs,
  };
}

/** Runs the search, the sweep and the exploding study. */
export async function run(config: GradientFlowConfig, progress: Progress): Promise<GradientFlowResult> {
  const search: LrTrial[] = [];
  const chosenLr: Partial<Record<CellKind, number>> = {};
  for (const kind of config.cells) {
    const trials = await searchLr(kind, config, progress);
    search.push(...trials);
    const best = [...trials].sort((a, b) => a.mse - b.mse)[0];
    if (best !== undefined) chosenLr[kind] = best.lr;
  }
  const sweep: LengthRun[] = [];
  for (const length of config.lengths) {
    for (const kind of config.cells) {
      const lr = chosenLr[kind];
      if (progress.shouldStop() || lr === undefined) break;
      const r = await lengthRun(addingModel(kind, config.hidden), length, lr, config, progress);
      if (r !== undefined) sweep.push(r);
    }
  }
  const exploding = progress.shouldStop() ? [] : await explodingStudy({ ...config.exploding, seed: config.seed }, progress);
  return { config, search, chosenLr, sweep, exploding };
}
