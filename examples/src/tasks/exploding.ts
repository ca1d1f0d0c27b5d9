/**
 * The other side of gradient flow: exploding gradients, and what clipping does about
 * them. A vanilla RNN whose recurrent matrix starts `gain` times larger than PyTorch's
 * initialisation (so its spectral radius is above 1) is trained with plain SGD on the
 * adding problem twice from the same start — once with the gradient clipped to a global
 * norm, once without — and every step's loss and gradient norm (before clipping) are kept.
 */
import { addingProblem } from '@tapestry/data';
import { mul, scalar } from '@tapestry/core';
import type { GateParams } from '@tapestry/layers';
import { chain, clipByGlobalNorm, lastGradNorm, sgd } from '@tapestry/optim';
import { Rng } from '@tapestry/core';
import type { Progress } from '../cli/progress.js';
import { addingModel, initAddingParams, scoreAdding, trainAdding } from './adding.js';

/** Settings of the exploding-gradient study. */
export interface ExplodingConfig {
  readonly hidden: number;
  readonly length: number;
  readonly batch: number;
  readonly steps: number;
  /** Plain SGD's learning rate. */
  readonly lr: number;
  /** Factor on the RNN's initial recurrent weights. */
  readonly gain: number;
  /** Global-norm threshold of the clipped run. */
  readonly clip: number;
  readonly seed: number;
}

/** One of the two runs. */
export interface ExplodingRun {
  readonly clipped: boolean;
  readonly losses: readonly number[];
  /** ‖∇L‖ of every step, before clipping. */
  readonly gradNorms: readonly number[];
  /** Test MSE at the end (NaN or huge when training blew up). */
  readonly testMse: number;
}

/** Trains the same too-large RNN with and without clipping. */
export async function explodingStudy(c: ExplodingConfig, progress: Progress): Promise<ExplodingRun[]> {
  const model = addingModel('rnn', c.hidden);
  const start = initAddingParams(model, c.seed, 0);
  const cell = start.cell as GateParams;
  const params = { ...start, cell: { ...cell, weight_hh: mul(cell.weight_hh, scalar(c.gain)) } };
  const test = addingProblem(new Rng(c.seed + 3), { samples: 256, length: c.length });
  const runs: ExplodingRun[] = [];
  for (const clipped of [false, true]) {
    if (progress.shouldStop()) break;
    const gradNorms: number[] = [];
    // Without clipping the threshold is the largest double: the norm is recorded, never cut.
    const optimizer = chain(clipByGlobalNorm(clipped ? c.clip : Number.MAX_VALUE), sgd({ lr: c.lr }));
    const run = await trainAdding(
      model,
      params,
      {
        label: `exploding rnn, clipping ${clipped ? 'on' : 'off'}`,
        length: c.length,
        batch: c.batch,
        steps: c.steps,
        optimizer,
        dataSeed: c.seed + 1,
        onStep: (_step, _loss, state) => void gradNorms.push(lastGradNorm(state) ?? NaN),
      },
      progress,
    );
    runs.push({ clipped, losses: run.losses, gradNorms, testMse: scoreAdding(model, run.params, test).mse });
  }
  return runs;
}
