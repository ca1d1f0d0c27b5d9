import { Rng, jit, reshape, softmax, tensor, type Tensor } from '@tapestry/core';
import { cellStep, embedding, layerGateParams, linear, lstmCell, type LstmCarry } from '@tapestry/layers';
import { CHARLM, SEEDS } from '../data/sizes.js';
import { peakRssMiB } from '../memory.js';
import { generatePlan } from '../plans.js';
import type { WorkloadResult, WorkloadRun } from '../types.js';
import { buildCharModel, type CharParams } from './char-model.js';
import { tapestryThreads } from './result.js';

/**
 * W4 `generate`: sampling one token at a time from W2's freshly initialised LSTM model,
 * with an explicit (h, c) carry per layer. One token's step — embedding, both layers,
 * the head's softmax — is a `jit`ted function: traced on the first call and then run as
 * one plan (nothing is recorded outside a tape); the sampling stays in TypeScript.
 */

const cell = lstmCell({ hiddenSize: CHARLM.hidden });

/** One token through the model: the next carries and the next token's probabilities. */
const tokenStep = jit((params: CharParams, carries: readonly LstmCarry[], token: Tensor) => {
  let x: Tensor = reshape(embedding.apply(params.embed, token), [1, CHARLM.embed]);
  const next = carries.map((carry, k) => {
    const [after, h] = cellStep(cell, layerGateParams(params.rnn, k), carry, x);
    x = h;
    return after;
  });
  return { carries: next, probs: softmax(linear.apply(params.head, x)) }; // temperature 1
});

/** Generates `steps` tokens from a zero carry; returns the tokens. */
function generate(params: CharParams, steps: number, rng: Rng): number[] {
  let carries: LstmCarry[] = Array.from({ length: CHARLM.layers }, () => cell.initCarry(1));
  let token = 0;
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const next = tokenStep(params, carries, tensor(Int32Array.of(token), { shape: [1, 1] }));
    carries = next.carries;
    token = rng.categorical(next.probs.data);
    out.push(token);
  }
  return out;
}

/** Which path the token step took (a failed trace would run it op by op: the note says so). */
function stepPath(params: CharParams): string {
  const how = tokenStep.explain(params, [cell.initCarry(1), cell.initCarry(1)], tensor([[0]], { dtype: 'int32' }));
  return how.startsWith('compiled') ? 'jit-compiled token step' : how;
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
    note: `${stepPath(params)}; checked: same seed, same tokens`,
  };
  return result;
};
