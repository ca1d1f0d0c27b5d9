import { Rng, noGrad, reshape, softmax, tensor, type Tensor } from '@tapestry/core';
import { cellStep, embedding, layerGateParams, linear, lstmCell, type LstmCarry } from '@tapestry/layers';
import { CHARLM, SEEDS } from '../data/sizes.js';
import { peakRssMiB } from '../memory.js';
import { generatePlan } from '../plans.js';
import type { WorkloadResult, WorkloadRun } from '../types.js';
import { buildCharModel, type CharParams } from './char-model.js';
import { tapestryThreads } from './result.js';

/**
 * W4 `generate`: sampling one token at a time from W2's freshly initialised LSTM model,
 * with an explicit (h, c) carry per layer, under `noGrad` (nothing is recorded).
 */

const cell = lstmCell({ hiddenSize: CHARLM.hidden });

/** Generates `steps` tokens from a zero carry; returns the tokens. */
function generate(params: CharParams, steps: number, rng: Rng): number[] {
  const layers = Array.from({ length: CHARLM.layers }, (_, k) => layerGateParams(params.rnn, k));
  let carries: LstmCarry[] = layers.map(() => cell.initCarry(1));
  let token = 0;
  const out: number[] = [];
  noGrad(() => {
    for (let s = 0; s < steps; s++) {
      let x: Tensor = reshape(embedding.apply(params.embed, tensor([[token]], { dtype: 'int32' })), [1, CHARLM.embed]);
      carries = carries.map((carry, k) => {
        const [next, h] = cellStep(cell, layers[k], carry, x);
        x = h;
        return next;
      });
      const probs = softmax(linear.apply(params.head, x)); // temperature 1
      token = rng.categorical(probs.data);
      out.push(token);
    }
  });
  return out;
}

export const run: WorkloadRun = async (_variant, opts) => {
  const { params } = buildCharModel('lstm');
  const plan = generatePlan(opts.quick);
  generate(params, plan.warmupSteps, new Rng(SEEDS.sample));
  const t0 = performance.now();
  const tokens = generate(params, plan.steps, new Rng(SEEDS.sample));
  const ms = performance.now() - t0;
  // Self-check: the same seed reproduces the same text, and every token is in the vocabulary.
  const again = generate(params, plan.steps, new Rng(SEEDS.sample));
  if (again.some((t, i) => t !== tokens[i]) || tokens.some((t) => t < 0 || t >= CHARLM.vocab)) throw new Error('self-check failed: generation is not reproducible');
  const result: WorkloadResult = {
    figure: (plan.steps * 1000) / ms,
    unit: 'tokens/s',
    higherIsBetter: true,
    samplesMs: [ms],
    threads: tapestryThreads(),
    peakRssMiB: peakRssMiB(),
    note: 'checked: same seed, same tokens',
  };
  return result;
};
