/**
 * Task 1 — sine-wave prediction.
 *
 * The tutorial's first exercise: sample x = sin t at 100 points of [0, 4π], cut windows
 * of 10 steps, and teach a recurrent network to predict the next value at every step
 * (targets are the inputs shifted by one). We train a vanilla RNN, an LSTM, a GRU and a
 * bidirectional LSTM on the same windows and compare their training curves and their
 * predictions on windows held out from training.
 */
import { Rng, noGrad, sliceAxis, type Tensor } from '@tapestry/core';
import { adam } from '@tapestry/optim';
import { sineWindows } from '@tapestry/data';
import type { Progress } from '../cli/progress.js';
import { recurrentModule, type CellKind } from '../models/recurrent.js';
import { train } from '../train/loop.js';
import { linear, mseLoss, type LinearParams, type StateDict } from '@tapestry/layers';

/** The four models compared: a cell, optionally run in both directions. */
export const sineModels = ['rnn', 'lstm', 'gru', 'bilstm'] as const;

/** One of {@link sineModels}. */
export type SineModel = (typeof sineModels)[number];

/** Settings of the sine task. */
export interface SineConfig {
  readonly models: readonly SineModel[];
  readonly hidden: number;
  readonly layers: number;
  readonly epochs: number;
  readonly lr: number;
  /** Steps per window (the sequence length; the tutorial's is 10). */
  readonly window: number;
  /** Windows at the end of the series kept out of training. */
  readonly heldOut: number;
  readonly seed: number;
}

/** The defaults `pnpm demo` uses. */
export const sineDefaults: SineConfig = { models: sineModels, hidden: 16, layers: 1, epochs: 250, lr: 1e-2, window: 10, heldOut: 10, seed: 0 };

/** One model's outcome. */
export interface SineRun {
  readonly model: SineModel;
  /** Training MSE after every epoch (full batch, so one step per epoch). */
  readonly losses: readonly number[];
  readonly finalLoss: number;
  /** MSE on the held-out windows. */
  readonly heldOutLoss: number;
  /** Predictions for the last held-out window, one per step. */
  readonly prediction: readonly number[];
  /** Median time of an epoch (one full-batch step). */
  readonly msPerEpoch: number;
  readonly interrupted: boolean;
}

/** The task's outcome: every model, and the window they were all asked to predict. */
export interface SineResult {
  readonly config: SineConfig;
  readonly runs: readonly SineRun[];
  /** The last held-out window's inputs and targets. */
  readonly window: { readonly inputs: readonly number[]; readonly targets: readonly number[] };
}

/** A sequence-to-sequence regressor: a recurrent layer, then a dense layer per step. */
interface Params {
  readonly rnn: StateDict;
  readonly head: LinearParams;
}

/** Builds the recurrent part for a model name: `bilstm` is an LSTM read both ways. */
function moduleFor(model: SineModel, hidden: number, layers: number) {
  const kind: CellKind = model === 'bilstm' ? 'lstm' : model;
  return recurrentModule(kind, { inputSize: 1, hiddenSize: hidden, numLayers: layers, bidirectional: model === 'bilstm' });
}

/** Trains one model on the training windows and evaluates it on the held-out ones. */
export async function trainSineModel(model: SineModel, c: Omit<SineConfig, 'models'>, progress: Progress): Promise<SineRun> {
  const data = sineWindows({ windowLength: c.window }); // inputs, targets: [90, 10, 1] for windows of 10
  const n = data.inputs.shape[0] - c.heldOut;
  if (n < 1) throw new RangeError(`holding out ${c.heldOut} of ${data.inputs.shape[0]} windows leaves none to train on`);
  const [X, Y] = [sliceAxis(data.inputs, 0, 0, n), sliceAxis(data.targets, 0, 0, n)];
  const [Xtest, Ytest] = [sliceAxis(data.inputs, 0, n), sliceAxis(data.targets, 0, n)];

  const rnn = moduleFor(model, c.hidden, c.layers);
  const directions = model === 'bilstm' ? 2 : 1;
  const rng = new Rng(c.seed);
  const init: Params = { rnn: rnn.init(rng), head: linear.init(rng, directions * c.hidden, 1) };
  const predict = (p: Params, x: Tensor): Tensor => linear.apply(p.head, rnn.apply(p.rnn, x).output);

  const run = await train({
    label: `sine ${model} ${c.layers}×${c.hidden}`,
    params: init,
    optimizer: adam({ lr: c.lr }),
    steps: c.epochs,
    loss: (p) => [mseLoss(predict(p, X), Y), null] as const,
    progress,
  });

  const { heldOutLoss, prediction } = noGrad(() => {
    const yHat = predict(run.params, Xtest);
    const last = Array.from(sliceAxis(yHat, 0, -1).data);
    return { heldOutLoss: mseLoss(yHat, Ytest).item(), prediction: last };
  });
  return {
    model,
    losses: run.losses,
    finalLoss: run.losses[run.losses.length - 1] ?? NaN,
    heldOutLoss,
    prediction,
    msPerEpoch: run.medianStepMs,
    interrupted: run.interrupted,
  };
}

/** Runs the sine task for every model in the config. */
export async function run(config: SineConfig, progress: Progress): Promise<SineResult> {
  const data = sineWindows({ windowLength: config.window });
  const runs: SineRun[] = [];
  for (const model of config.models) {
    if (progress.shouldStop()) break;
    runs.push(await trainSineModel(model, config, progress));
  }
  const last = data.inputs.shape[0] - 1;
  return {
    config,
    runs,
    window: { inputs: Array.from(sliceAxis(data.inputs, 0, last).data), targets: Array.from(sliceAxis(data.targets, 0, last).data) },
  };
}
