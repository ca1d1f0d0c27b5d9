import * as tf from '@tensorflow/tfjs';
import { SINE, sineData } from '../data/sine.js';
import { ADAM, SEEDS, SINE_TRAIN } from '../data/sizes.js';
import { sinePlan } from '../plans.js';
import { median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { linear, Seeds, torchUniform } from './init.js';
import { type CellKind, recurrentLayer, trainableVariables } from './recurrent.js';
import { tfjsResult } from './result.js';

/** W1 `sine`: recurrent layer (hidden 16) → Linear at every step, MSE, Adam, full batch. */

function buildModel(variant: string, seeds: Seeds): tf.Sequential {
  const hidden = SINE_TRAIN.hidden;
  const recurrent =
    variant === 'bilstm'
      ? tf.layers.bidirectional({ layer: recurrentLayer('lstm', hidden, seeds), mergeMode: 'concat' })
      : recurrentLayer(cellKind(variant), hidden, seeds);
  const width = variant === 'bilstm' ? 2 * hidden : hidden;
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [SINE.window, 1] }));
  model.add(recurrent);
  model.add(linear(1, width, seeds));
  if (variant === 'bilstm') reseedBackward(recurrent, seeds);
  return model;
}

/**
 * tfjs's Bidirectional builds its backward layer from the forward layer's
 * config, initializer seeds included, so both directions would start equal;
 * PyTorch draws them independently. Redraw the backward half.
 */
function reseedBackward(bidirectional: tf.layers.Layer, seeds: Seeds): void {
  const weights = bidirectional.getWeights();
  const half = weights.length / 2;
  const fresh = weights.slice(half).map((w) => torchUniform(SINE_TRAIN.hidden, seeds).apply(w.shape));
  bidirectional.setWeights([...weights.slice(0, half), ...fresh]);
  tf.dispose(fresh); // the variables hold their own reference; getWeights gave live values
}

function cellKind(variant: string): CellKind {
  if (variant === 'rnn' || variant === 'lstm' || variant === 'gru') return variant;
  throw new Error(`W1: unknown variant ${variant}`);
}

export const run: WorkloadRun = async (variant, opts) => {
  const model = buildModel(variant, new Seeds(SEEDS.init));
  const data = sineData();
  const x = tf.tensor3d(data.x, [...data.shape]);
  const y = tf.tensor3d(data.y, [...data.shape]);
  const vars = trainableVariables(model.layers);
  const optimizer = tf.train.adam(SINE_TRAIN.lr, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
  const loss = (): tf.Scalar => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor);
  let lastLoss = NaN;
  const epoch = (): void => {
    const value = tf.tidy(() => {
      const cost = optimizer.minimize(loss, true, vars);
      if (cost === null) throw new Error('minimize returned no loss');
      return cost;
    });
    lastLoss = value.dataSync()[0]!; // waits for the step to finish; one float read back
    value.dispose();
  };
  const timing = await timeIterations(epoch, sinePlan(opts.quick), opts.budgetSeconds);
  return tfjsResult(
    { figure: median(timing.samplesMs), unit: 'ms/epoch', higherIsBetter: false, finalLoss: lastLoss },
    timing,
  );
};
