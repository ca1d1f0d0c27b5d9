/**
 * The adding problem, shared by the gradient-flow study: a recurrent cell reads T steps
 * of (value, marker) pairs and a dense head predicts the sum of the two marked values
 * from the last hidden state. Here: the model, one training run (with an optional early
 * stop once a validation batch is solved), its test scores, and ‖∂L/∂h_t‖ from the tape.
 *
 * Scores: a prediction counts as correct within ±0.04 of the sum. The sum of two U(0, 1)
 * values has a triangular density peaking at 1, so always answering 1 is right about 8%
 * of the time (2·0.04 − 0.04²) — and so is a model that has learned only the *later*
 * marked value (its error, the earlier value minus ½, is uniform on ±½). Chance accuracy
 * is therefore the line a cell without long memory cannot cross; the MSE tells the two
 * apart: 1/6 for the constant, 1/12 for "the later value only".
 */
import { Rng, cast, mapTree, noGrad, record, type Tensor } from '@tapestry/core';
import { hiddenState, linear, mseLoss, scan, type Cell, type GateParams, type LinearParams } from '@tapestry/layers';
import type { Optimizer } from '@tapestry/optim';
import { addingProblem, type AddingData } from '@tapestry/data';
import type { Progress } from '../cli/progress.js';
import { builtinCell, withForgetBias, type CellKind } from '../models/recurrent.js';
import { train } from '../train/loop.js';

/** Half-width of the band around the true sum that counts as a correct answer. */
export const addingTolerance = 0.04;

/** MSE of always answering 1 (the variance of the sum). */
export const constantMse = 1 / 6;

/** MSE of a model that knows the later marked value but not the earlier one. */
export const laterOnlyMse = 1 / 12;

/** A cell with a dense head reading the last hidden state. */
export interface AddingParams {
  readonly cell: unknown;
  readonly head: LinearParams;
}

/** A cell kind and its instantiated cell of `hidden` units. */
export interface AddingModel {
  readonly kind: CellKind;
  readonly hidden: number;
  readonly cell: Cell<unknown, unknown>;
}

/** The model for a kind. */
export function addingModel(kind: CellKind, hidden: number): AddingModel {
  return { kind, hidden, cell: builtinCell(kind, hidden) };
}

/** Unrolls the cell over the sequence and predicts the sum from the final state. */
export function addingForward(m: AddingModel, p: AddingParams, xs: Tensor, keepStates = false): { prediction: Tensor; states: readonly unknown[] } {
  const { carry, states } = scan(m.cell, p.cell, xs, { keepStates });
  return { prediction: linear.apply(p.head, hiddenState(carry)), states };
}

/** Fresh parameters; an LSTM's forget gate starts at `forgetBias`. */
export function initAddingParams(m: AddingModel, seed: number, forgetBias: number): AddingParams {
  const rng = new Rng(seed);
  const params = m.cell.init(rng, 2);
  return { cell: m.kind === 'lstm' ? withForgetBias(params as GateParams, m.hidden, forgetBias) : params, head: linear.init(rng, m.hidden, 1) };
}

/** Accuracy within ±{@link addingTolerance}, and MSE, of the model on `data` (no tape). */
export function scoreAdding(m: AddingModel, p: AddingParams, data: AddingData): { accuracy: number; mse: number } {
  return noGrad(() => {
    const prediction = addingForward(m, p, data.inputs).prediction;
    let hits = 0;
    for (let i = 0; i < data.targets.size; i++) if (Math.abs(prediction.data[i] - data.targets.data[i]) < addingTolerance) hits++;
    return { accuracy: hits / data.targets.size, mse: mseLoss(prediction, data.targets).item() };
  });
}

/** Accuracy of always answering 1 on `data`: chance level, measured on the same sequences. */
export function chanceAccuracy(data: AddingData): number {
  let hits = 0;
  for (let i = 0; i < data.targets.size; i++) if (Math.abs(1 - data.targets.data[i]) < addingTolerance) hits++;
  return hits / data.targets.size;
}

/** Options of one training run. */
export interface AddingRunOptions {
  readonly label: string;
  readonly length: number;
  readonly batch: number;
  readonly steps: number;
  readonly optimizer: Optimizer<unknown>;
  /** Seed of the training batches. */
  readonly dataSeed: number;
  /** Stop once a validation batch scores at least this accuracy (checked every `checkEvery` steps). */
  readonly stopAt?: { readonly accuracy: number; readonly checkEvery: number; readonly validation: AddingData };
  /** Called after every step with the loss and the optimizer's state (e.g. to read the gradient norm). */
  readonly onStep?: (step: number, loss: number, optState: unknown) => void;
}

/** Trains on fresh batches of length `length`; returns the run (params, losses, steps, timing). */
export function trainAdding(m: AddingModel, params: AddingParams, o: AddingRunOptions, progress: Progress) {
  const dataRng = new Rng(o.dataSeed);
  const stop = o.stopAt;
  return train({
    label: o.label,
    params,
    optimizer: o.optimizer,
    steps: o.steps,
    loss: (p: AddingParams) => {
      const batch = addingProblem(dataRng, { samples: o.batch, length: o.length });
      return [mseLoss(addingForward(m, p, batch.inputs).prediction, batch.targets), null] as const;
    },
    after: o.onStep === undefined ? undefined : (step, loss, _p, _aux, state) => o.onStep?.(step, loss, state),
    stopWhen: stop === undefined ? undefined : (step, p) => (step + 1) % stop.checkEvery === 0 && scoreAdding(m, p, stop.validation).accuracy >= stop.accuracy,
    progress,
    itemsPerStep: o.batch * o.length,
    unit: 'steps×seq',
  });
}

/**
 * ‖∂L/∂h_t‖ for every step: record the forward pass and the loss, then ask the
 * recording for the gradient of the loss with respect to each kept hidden state.
 * Computed in float64: over long sequences the norms span more orders of magnitude than
 * float32 can hold (a vanilla RNN's underflow to exactly 0).
 */
export function hiddenGradientNorms(m: AddingModel, params: AddingParams, data: AddingData): number[] {
  const [p, xs, ys] = [mapTree(params, (t) => cast(t, 'float64')), cast(data.inputs, 'float64'), cast(data.targets, 'float64')];
  const rec = record(() => {
    const { prediction, states } = addingForward(m, p, xs, true);
    return { loss: mseLoss(prediction, ys), hidden: states.map(hiddenState) };
  });
  return rec.gradient(rec.value.loss, rec.value.hidden).map(l2Norm);
}

function l2Norm(t: Tensor): number {
  let s = 0;
  for (let i = 0; i < t.size; i++) s += t.data[i] * t.data[i];
  return Math.sqrt(s);
}
