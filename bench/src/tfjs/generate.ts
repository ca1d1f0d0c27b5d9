import * as tf from '@tensorflow/tfjs';
import { CHARLM, SEEDS } from '../data/sizes.js';
import { peakRssMiB } from '../memory.js';
import { generatePlan } from '../plans.js';
import type { WorkloadResult, WorkloadRun } from '../types.js';
import { backendThreads } from './backend.js';
import { buildCharModel, type CharModel } from './charModel.js';
import { Seeds } from './init.js';
import { cellStep } from './recurrent.js';

/**
 * W4 `generate`: sampling one token at a time from W2's freshly initialised
 * LSTM model. The model's own LSTM cells are stepped with an explicit carry
 * (h, c) per layer — a stateful RNN layer would redo its sequence set-up for
 * each one-step call. Nothing records gradients: tfjs only keeps a tape
 * inside tf.grads/variableGrads, and dropout is off (training is not set).
 */

type Carry = tf.Tensor[][];

function zeroCarry(m: CharModel): Carry {
  return m.recurrent.map(() => [tf.zeros([1, CHARLM.hidden]), tf.zeros([1, CHARLM.hidden])]);
}

/** Feeds `token`, returns the sampled next token and the new carry. */
function step(m: CharModel, carry: Carry, token: number, seed: number): { next: tf.Tensor; carry: Carry } {
  return tf.tidy(() => {
    let x = (m.embedding.apply(tf.tensor2d([[token]], [1, 1], 'int32')) as tf.Tensor).reshape([1, CHARLM.embed]);
    const newCarry = m.recurrent.map((layer, i) => {
      const [h, ...states] = cellStep(layer.cell, x, carry[i]!);
      x = h!;
      return states;
    });
    const logits = m.head.apply(x) as tf.Tensor2D;
    // Sample from softmax(logits), temperature 1; a per-step seed keeps runs reproducible.
    return { next: tf.multinomial(logits, 1, seed), carry: newCarry };
  });
}

/** Generates `steps` tokens from a zero carry; returns the wall-clock milliseconds. */
function generate(m: CharModel, steps: number): number {
  const t0 = performance.now();
  let carry = zeroCarry(m);
  let token = 0;
  for (let s = 0; s < steps; s++) {
    const out = step(m, carry, token, SEEDS.sample + s);
    tf.dispose(carry);
    carry = out.carry;
    token = out.next.dataSync()[0]!; // the token is needed on the host to feed back (and print)
    out.next.dispose();
  }
  tf.dispose(carry);
  return performance.now() - t0;
}

export const run: WorkloadRun = async (_variant, opts) => {
  const model = buildCharModel('lstm', new Seeds(SEEDS.init));
  const plan = generatePlan(opts.quick);
  const warmupMs = generate(model, plan.warmupSteps);
  // Budget: cut the timed run if the warm-up's pace says it cannot fit.
  const fits = Math.floor((opts.budgetSeconds * 1000 - warmupMs) / (warmupMs / plan.warmupSteps));
  const steps = Math.max(1, Math.min(plan.steps, fits));
  const ms = generate(model, steps);
  const result: WorkloadResult = {
    figure: (steps * 1000) / ms,
    unit: 'tokens/s',
    higherIsBetter: true,
    samplesMs: [ms],
    threads: backendThreads(),
    peakRssMiB: peakRssMiB(),
  };
  return steps < plan.steps ? { ...result, note: `${steps} of ${plan.steps} steps (budget ${opts.budgetSeconds} s)` } : result;
};
