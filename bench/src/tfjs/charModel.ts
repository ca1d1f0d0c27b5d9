import * as tf from '@tensorflow/tfjs';
import { CHARLM } from '../data/sizes.js';
import { linear, type Seeds, torchNormal } from './init.js';
import { recurrentLayer } from './recurrent.js';

/** W2's model (also W4's): Embedding(65 → 64) → 2 × LSTM/GRU(256) → Linear(256 → 65) at every step. */
export interface CharModel {
  readonly model: tf.Sequential;
  readonly embedding: tf.layers.Layer;
  readonly recurrent: readonly tf.RNN[];
  readonly head: tf.layers.Layer;
}

export function buildCharModel(kind: 'lstm' | 'gru', seeds: Seeds): CharModel {
  const embedding = tf.layers.embedding({
    inputDim: CHARLM.vocab,
    outputDim: CHARLM.embed,
    embeddingsInitializer: torchNormal(seeds),
  });
  const recurrent = Array.from({ length: CHARLM.layers }, () => recurrentLayer(kind, CHARLM.hidden, seeds));
  const head = linear(CHARLM.vocab, CHARLM.hidden, seeds);
  // Declaring the input builds every layer's weights now, not inside the first timed step.
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [null], dtype: 'int32' }));
  for (const layer of [embedding, ...recurrent, head]) model.add(layer);
  return { model, embedding, recurrent, head };
}
