/**
 * Task 3 — gradient flow and the vanishing-gradient problem.
 *
 * The adding problem: a long sequence of random numbers, two of them marked, and the
 * target is their sum — so the answer depends on steps ~T/2 and more in the past. For
 * a loss L read from the last step, we record the whole unrolled computation with
 * `record(...)`, keep every step's hidden state (`scan(..., { keepStates: true })`), and
 * ask the tape for ∂L/∂h_t at every t. In a vanilla RNN that gradient shrinks
 * geometrically as t moves away from T; gated cells keep it alive. Then we measure how
 * task accuracy falls with the sequence length for each cell.
 */
import { Rng, cast, mapTree, noGrad, record, type Tensor } from '@tapestry/core';
import { hiddenState, linear, mseLoss, scan, type Cell, type GateParams, type LinearParams } from '@tapestry/layers';
import { adam, chain, clipByGlobalNorm } from '@tapestry/optim';
import { addingProblem, type AddingData } from '@tapestry/data';
import type { Progress } from '../cli/progress.js';
import { builtinCell, withForgetBias, type CellKind } from '../models/recurrent.js';
import { train } from '../train/loop.js';

/** Settings of the gradient-flow study. */
export interface GradientFlowConfig {
  readonly cells: readonly CellKind[];
  readonly hidden: number;
  /** Sequence length of the gradient-norm study. */
  readonly length: number;
  readonly batch: number;
  /** Training steps at `length` before measuring the norms again. */
  readonly steps: number;
  /** Sequence lengths of the accuracy study. */
  readonly lengths: readonly number[];
  /** Training steps per cell and length in the accuracy study. */
  readonly lengthSteps: number;
  readonly lr: number;
  /** Initial LSTM forget-gate bias (1 as in Jozefowicz et al. 2015 and Keras; PyTorch's default is ≈ 0). */
  readonly forgetBias: number;
  readonly seed: number;
}

/** The defaults `pnpm demo` uses. */
export const gradientFlowDefaults: GradientFlowConfig = {
  cells: ['rnn', 'lstm', 'gru'],
  hidden: 16,
  length: 200,
  batch: 32,
  steps: 30,
  lengths: [5, 10, 20, 40],
  lengthSteps: 250,
  lr: 1e-2,
  forgetBias: 1,
  seed: 0,
};

/** ‖∂L/∂h_t‖ for t = 1..T of one cell, before and after training. */
export interface GradientNorms {
  readonly cell: CellKind;
  readonly initial: readonly number[];
  readonly trained: readonly number[];
  /** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at initialisation and after training. */
  readonly ratioInitial: number;
  readonly ratioTrained: number;
  readonly trainSteps: number;
}

/** Accuracy of one cell trained at one sequence length. */
export interface LengthAccuracy {
  readonly cell: CellKind;
  readonly length: number;
  /** Fraction of test sums predicted within ±0.04 (predicting 1 scores ≈ 0.08). */
  readonly accuracy: number;
  /** Test MSE (predicting 1 scores ≈ 1/6). */
  readonly mse: number;
}

/** The task's outcome. */
export interface GradientFlowResult {
  readonly config: GradientFlowConfig;
  readonly norms: readonly GradientNorms[];
  readonly accuracy: readonly LengthAccuracy[];
}

/** A cell with a dense head reading the last hidden state. */
interface Params {
  readonly cell: unknown;
  readonly head: LinearParams;
}

/** The model: unroll the cell over the sequence, predict the sum from the final state. */
function forward(cell: Cell<unknown, unknown>, p: Params, xs: Tensor, keepStates = false) {
  const { carry, states } = scan(cell, p.cell, xs, { keepStates });
  return { prediction: linear.apply(p.head, hiddenState(carry)), states };
}

/**
 * ‖∂L/∂h_t‖ for every step: record the forward pass and the loss, then ask the
 * recording for the gradient of the loss with respect to each kept hidden state.
 * Computed in float64: over 200 steps the norms span more orders of magnitude than
 * float32 can hold (a vanilla RNN's underflow to exactly 0).
 */
export function hiddenGradientNorms(cell: Cell<unknown, unknown>, params: Params, data: AddingData): number[] {
  const [p, xs, ys] = [mapTree(params, (t) => cast(t, 'float64')), cast(data.inputs, 'float64'), cast(data.targets, 'float64')];
  const rec = record(() => {
    const { prediction, states } = forward(cell, p, xs, true);
    return { loss: mseLoss(prediction, ys), hidden: states.map(hiddenState) };
  });
  const grads = rec.gradient(rec.value.loss, rec.value.hidden);
  return grads.map(l2Norm);
}

function l2Norm(t: Tensor): number {
  let s = 0;
  for (let i = 0; i < t.size; i++) s += t.data[i] * t.data[i];
  return Math.sqrt(s);
}

function initParams(kind: CellKind, cell: Cell<unknown, unknown>, c: GradientFlowConfig): Params {
  const rng = new Rng(c.seed);
  const params = cell.init(rng, 2);
  return { cell: kind === 'lstm' ? withForgetBias(params as GateParams, c.hidden, c.forgetBias) : params, head: linear.init(rng, c.hidden, 1) };
}

/** Trains on fresh adding-problem batches of length `length`. */
function trainAdding(label: string, cell: Cell<unknown, unknown>, params: Params, c: GradientFlowConfig, length: number, steps: number, progress: Progress) {
  const dataRng = new Rng(c.seed + 1);
  return train({
    label,
    params,
    optimizer: chain(clipByGlobalNorm(1), adam({ lr: c.lr })),
    steps,
    loss: (p: Params) => {
      const batch = addingProblem(dataRng, { samples: c.batch, length });
      return [mseLoss(forward(cell, p, batch.inputs).prediction, batch.targets), null] as const;
    },
    progress,
    itemsPerStep: c.batch * length,
    unit: 'steps×seq',
    resumable: { rngs: { data: dataRng } },
  });
}

/** Gradient norms at initialisation and after `steps` training steps at length T. */
async function normStudy(kind: CellKind, c: GradientFlowConfig, progress: Progress): Promise<GradientNorms> {
  const cell = builtinCell(kind, c.hidden);
  const probe = addingProblem(new Rng(c.seed + 2), { samples: c.batch, length: c.length });
  const params = initParams(kind, cell, c);
  const initial = hiddenGradientNorms(cell, params, probe);
  const trained = await trainAdding(`norms ${kind} T=${c.length}`, cell, params, c, c.length, c.steps, progress);
  const after = hiddenGradientNorms(cell, trained.params, probe);
  const ratio = (n: readonly number[]): number => n[0] / n[n.length - 1];
  return { cell: kind, initial, trained: after, ratioInitial: ratio(initial), ratioTrained: ratio(after), trainSteps: trained.steps };
}

/** Accuracy of a freshly trained model at one sequence length. */
async function lengthStudy(kind: CellKind, length: number, c: GradientFlowConfig, progress: Progress): Promise<LengthAccuracy | undefined> {
  const cell = builtinCell(kind, c.hidden);
  const run = await trainAdding(`adding ${kind} T=${length}`, cell, initParams(kind, cell, c), c, length, c.lengthSteps, progress);
  if (run.interrupted) return undefined;
  const test = addingProblem(new Rng(c.seed + 3), { samples: 256, length });
  const prediction = noGrad(() => forward(cell, run.params, test.inputs).prediction);
  let hits = 0;
  for (let i = 0; i < test.targets.size; i++) if (Math.abs(prediction.data[i] - test.targets.data[i]) < 0.04) hits++;
  return { cell: kind, length, accuracy: hits / test.targets.size, mse: noGrad(() => mseLoss(prediction, test.targets).item()) };
}

/** Runs both studies for every cell. */
export async function run(config: GradientFlowConfig, progress: Progress): Promise<GradientFlowResult> {
  const norms: GradientNorms[] = [];
  const accuracy: LengthAccuracy[] = [];
  for (const kind of config.cells) {
    if (progress.shouldStop()) break;
    norms.push(await normStudy(kind, config, progress));
  }
  for (const length of config.lengths) {
    for (const kind of config.cells) {
      if (progress.shouldStop()) return { config, norms, accuracy };
      const a = await lengthStudy(kind, length, config, progress);
      if (a !== undefined) accuracy.push(a);
    }
  }
  return { config, norms, accuracy };
}
