import { tensor, type DType, type Tensor } from '@tapestry/core';
import { crossEntropy } from '@tapestry/layers';
import { adam, chain, clipByGlobalNorm } from '@tapestry/optim';
import { uniformInts } from '../data/random.js';
import { ADAM, CHARLM, SEEDS } from '../data/sizes.js';
import { charlmPlan } from '../plans.js';
import { median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { buildCharModel, type CharParams } from './char-model.js';
import { peakRssMiB } from '../memory.js';
import { expectClose, tapestryResult } from './result.js';
import { trainingStep } from './training-step.js';

/**
 * W2 `charlm`: training throughput of the character model — embedding, 2-layer LSTM
 * (or GRU), linear head, cross-entropy over every position, global-norm clipping at 5,
 * Adam. One fixed random batch, as for every implementation.
 */
function trainer(kind: 'lstm' | 'gru', dtype: DType): () => number {
  const { batch, seqLen, vocab } = CHARLM;
  const model = buildCharModel(kind, dtype);
  const tokens = tensor(uniformInts(batch * seqLen, vocab, SEEDS.tokens), { shape: [batch, seqLen] });
  const targets = tensor(uniformInts(batch * seqLen, vocab, SEEDS.targets), { shape: [batch, seqLen] });
  const loss = (p: CharParams): Tensor => crossEntropy(model.logits(p, tokens), targets);
  return trainingStep(loss, model.params, chain(clipByGlobalNorm(CHARLM.clipNorm), adam({ lr: CHARLM.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.epsilon })));
}

/** Steps the float64 twin replays. */
const TWIN_STEPS = 3;

function kindOf(variant: string): 'lstm' | 'gru' {
  if (variant === 'lstm' || variant === 'gru') return variant;
  throw new Error(`W2: unknown variant ${variant}`);
}

export const run: WorkloadRun = async (variant, opts) => {
  const kind = kindOf(variant);
  const tokensPerStep = CHARLM.batch * CHARLM.seqLen;
  const train = trainer(kind, 'float32');
  const losses: number[] = [];
  const timing = await timeIterations(
    () => void losses.push(train()),
    charlmPlan(opts.quick, tokensPerStep),
    opts.budgetSeconds,
  );
  const figure = (tokensPerStep * 1000) / median(timing.samplesMs);
  // The float64 twin replays the first steps of the same trajectory (all of them would
  // double the run); float32 rounding moves the loss by ~1e-6 relative there, so 1e-4
  // is a safe bound that still catches any skipped or wrong work.
  const peak = peakRssMiB(); // before the twin allocates its own model
  const twin = trainer(kind, 'float64');
  const twinSteps = Math.min(TWIN_STEPS, losses.length);
  let twinLoss = NaN;
  for (let i = 0; i < twinSteps; i++) twinLoss = twin();
  const check = expectClose(`loss at step ${twinSteps} vs float64 twin`, losses[twinSteps - 1], twinLoss, 1e-4);
  return tapestryResult({ figure, unit: 'tokens/s', higherIsBetter: true, finalLoss: losses[losses.length - 1] }, timing, check, peak);
};
