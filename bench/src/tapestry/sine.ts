import { Rng, tensor, type DType, type Tensor } from '@tapestry/core';
import { LSTM, linear, mseLoss, recurrentKinds, recurrentModule, type LinearParams, type RecurrentModule, type StateDict } from '@tapestry/layers';
import { adam } from '@tapestry/optim';
import { sineData } from '../data/sine.js';
import { ADAM, SEEDS, SINE_TRAIN } from '../data/sizes.js';
import { sinePlan } from '../plans.js';
import { median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { peakRssMiB } from '../memory.js';
import { expectClose, tapestryResult } from './result.js';
import { trainingStep } from './training-step.js';

/**
 * W1 `sine`: recurrent layer (hidden 16) → Linear at every step, MSE, Adam, full batch.
 * Each epoch's gradient is `jit(valueAndGrad(loss))` (see {@link trainingStep}).
 */

interface Model {
  rnn: StateDict;
  fc: LinearParams;
}

/** The variant's layer: `bilstm` is the bidirectional LSTM, the others are layers by name. */
function variantModule(variant: string): RecurrentModule {
  const options = { inputSize: 1, hiddenSize: SINE_TRAIN.hidden };
  if (variant === 'bilstm') return LSTM({ ...options, bidirectional: true });
  const kind = recurrentKinds.find((k) => k === variant);
  if (kind === undefined) throw new Error(`W1: unknown variant ${variant}`);
  return recurrentModule(kind, options);
}

/** One training run in `dtype`; `epoch` does one full-batch Adam step and returns the loss. */
function trainer(variant: string, dtype: DType): () => number {
  const module = variantModule(variant);
  const rng = new Rng(SEEDS.init);
  const width = SINE_TRAIN.hidden * (module.options.bidirectional ? 2 : 1);
  const params: Model = { rnn: module.init(rng, dtype), fc: linear.init(rng, width, 1, { dtype }) };
  const data = sineData();
  const x = tensor(data.x, { shape: [...data.shape], dtype });
  const y = tensor(data.y, { shape: [...data.shape], dtype });
  const loss = (p: Model): Tensor => mseLoss(linear.apply(p.fc, module.apply(p.rnn, x).output), y);
  // The whole gradient — the loss and its reverse sweep — as one jitted plan.
  return trainingStep(loss, params, adam({ lr: SINE_TRAIN.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.epsilon }), true);
}

export const run: WorkloadRun = async (variant, opts) => {
  const epoch = trainer(variant, 'float32');
  let lastLoss = NaN;
  let epochs = 0;
  const timing = await timeIterations(
    () => {
      lastLoss = epoch();
      epochs++;
    },
    sinePlan(opts.quick),
    opts.budgetSeconds,
  );
  // The float64 twin runs the same number of epochs from the same initial values.
  const peak = peakRssMiB(); // before the twin allocates its own model
  const twin = trainer(variant, 'float64');
  let twinLoss = NaN;
  for (let i = 0; i < epochs; i++) twinLoss = twin();
  // float32 rounding over ≤200 Adam steps moves the loss by ~1e-5 relative; 1e-3 leaves margin.
  const check = expectClose('final loss vs float64 twin', lastLoss, twinLoss, 1e-3);
  return tapestryResult({ figure: median(timing.samplesMs), unit: 'ms/epoch', higherIsBetter: false, finalLoss: lastLoss }, timing, check, peak);
};
