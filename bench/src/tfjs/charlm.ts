import * as tf from '@tensorflow/tfjs';
import { uniformInts } from '../data/random.js';
import { ADAM, CHARLM, SEEDS } from '../data/sizes.js';
import { charlmPlan } from '../plans.js';
import { median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { buildCharModel } from './charModel.js';
import { clipByGlobalNorm } from './clip.js';
import { Seeds } from './init.js';
import { trainableVariables } from './recurrent.js';
import { tfjsResult } from './result.js';

/**
 * W2 `charlm`: training throughput of the character model. One fixed random
 * batch is reused for every step: the workload measures speed, not learning.
 */

function batch(): { tokens: tf.Tensor2D; targets: tf.Tensor2D } {
  const { batch: b, seqLen, vocab } = CHARLM;
  const tokens = tf.tensor2d(uniformInts(b * seqLen, vocab, SEEDS.tokens), [b, seqLen], 'int32');
  const ids = tf.tensor1d(uniformInts(b * seqLen, vocab, SEEDS.targets), 'int32');
  // One-hot as int32, then cast: oneHot(..., 'float32') returns wrong values on wasm.
  const targets = tf.oneHot(ids, vocab).cast('float32') as tf.Tensor2D;
  ids.dispose();
  return { tokens, targets };
}

function variantKind(variant: string): 'lstm' | 'gru' {
  if (variant === 'lstm' || variant === 'gru') return variant;
  throw new Error(`W2: unknown variant ${variant}`);
}

export const run: WorkloadRun = async (variant, opts) => {
  const { model } = buildCharModel(variantKind(variant), new Seeds(SEEDS.init));
  const { tokens, targets } = batch();
  const vars = trainableVariables(model.layers);
  const optimizer = tf.train.adam(CHARLM.lr, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
  // Mean cross-entropy over all 32 × 64 positions.
  const loss = (): tf.Scalar => {
    const logits = (model.apply(tokens, { training: true }) as tf.Tensor).reshape([-1, CHARLM.vocab]);
    return tf.losses.softmaxCrossEntropy(targets, logits);
  };
  let lastLoss = NaN;
  const step = (): void => {
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, vars);
      optimizer.applyGradients(clipByGlobalNorm(grads, CHARLM.clipNorm));
      return value;
    });
    lastLoss = value.dataSync()[0]!; // the update ran synchronously before this read
    value.dispose();
  };
  const tokensPerStep = CHARLM.batch * CHARLM.seqLen;
  const timing = await timeIterations(step, charlmPlan(opts.quick, tokensPerStep), opts.budgetSeconds);
  const figure = (tokensPerStep * 1000) / median(timing.samplesMs);
  return tfjsResult({ figure, unit: 'tokens/s', higherIsBetter: true, finalLoss: lastLoss }, timing);
};
