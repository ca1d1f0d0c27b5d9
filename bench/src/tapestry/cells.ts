import { Rng, tensor, type DType, type Tensor } from '@tapestry/core';
import { gruCell, linear, mseLoss, recurrent, type Cell, type LinearParams } from '@tapestry/layers';
import { adam } from '@tapestry/optim';
import { normals } from '../data/random.js';
import { sineData } from '../data/sine.js';
import { ADAM, CELLS, SEEDS } from '../data/sizes.js';
import { peakRssMiB } from '../memory.js';
import { cellsPlan } from '../plans.js';
import { median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { mguCell } from './mgu.js';
import { expectClose, tapestryResult } from './result.js';
import { trainingStep } from './training-step.js';

/**
 * W6 `cells`: a cell written with public ops only (the custom-cell guide's MGU) beside
 * the built-in GRU, both unrolled by `recurrent` (one `scan`), with Linear(H → 1) at
 * every step, MSE and Adam — at W1's size (sine data, hidden 16) and at B=32, T=100,
 * H=128. Variants `gru-h16`, `mgu-h16`, `gru-h128`, `mgu-h128`.
 */

interface Problem {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly inputSize: number;
  readonly hidden: number;
}

function problem(size: string, dtype: DType): Problem {
  if (size === 'h16') {
    const data = sineData();
    const at = (values: Float32Array): Tensor => tensor(values, { shape: [...data.shape], dtype });
    return { x: at(data.x), y: at(data.y), inputSize: 1, hidden: CELLS.small.hidden };
  }
  if (size !== 'h128') throw new Error(`W6: unknown size ${size}`);
  const { batch, seqLen, input, hidden } = CELLS.large;
  return {
    x: tensor(normals(batch * seqLen * input, SEEDS.inputs), { shape: [batch, seqLen, input], dtype }),
    y: tensor(normals(batch * seqLen, SEEDS.targets), { shape: [batch, seqLen, 1], dtype }),
    inputSize: input,
    hidden,
  };
}

function cellOf(kind: string, hidden: number): Cell<unknown, Tensor> {
  if (kind === 'gru') return gruCell({ hiddenSize: hidden }) as Cell<unknown, Tensor>;
  if (kind === 'mgu') return mguCell(hidden) as Cell<unknown, Tensor>;
  throw new Error(`W6: unknown cell ${kind}`);
}

/** One training run in `dtype`; each call is one full-batch Adam step and returns the loss. */
function trainer(kind: string, size: string, dtype: DType): () => number {
  const p = problem(size, dtype);
  const layer = recurrent(cellOf(kind, p.hidden));
  const rng = new Rng(SEEDS.init);
  const params: { cell: unknown; fc: LinearParams } = { cell: layer.init(rng, p.inputSize, dtype), fc: linear.init(rng, p.hidden, 1, { dtype }) };
  const loss = (q: typeof params): Tensor => mseLoss(linear.apply(q.fc, layer.apply(q.cell, p.x).outputs), p.y);
  return trainingStep(loss, params, adam({ lr: CELLS.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.epsilon }));
}

/** Steps the float64 twin replays at H=128 (at hidden 16 it replays all, as W1 does). */
const TWIN_STEPS = 3;

export const run: WorkloadRun = async (variant, opts) => {
  const [kind = '', size = ''] = variant.split('-');
  const train = trainer(kind, size, 'float32');
  const losses: number[] = [];
  const timing = await timeIterations(() => void losses.push(train()), cellsPlan(opts.quick, variant), opts.budgetSeconds);
  const peak = peakRssMiB(); // before the twin allocates its own model
  const twin = trainer(kind, size, 'float64');
  const steps = size === 'h16' ? losses.length : Math.min(TWIN_STEPS, losses.length);
  let twinLoss = NaN;
  for (let i = 0; i < steps; i++) twinLoss = twin();
  // As W1 and W2: float32 rounding moves the loss by ~1e-5 relative over ≤ 200 Adam steps
  // (~1e-6 over 3); the bounds leave margin and still catch skipped or wrong work.
  const check = expectClose(`loss at step ${steps} vs float64 twin`, losses[steps - 1]!, twinLoss, size === 'h16' ? 1e-3 : 1e-4);
  return tapestryResult({ figure: median(timing.samplesMs), unit: 'ms/step', higherIsBetter: false, finalLoss: losses[losses.length - 1] }, timing, check, peak);
};
