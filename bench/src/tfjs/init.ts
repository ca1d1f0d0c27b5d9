import * as tf from '@tensorflow/tfjs';

/**
 * PyTorch's default initialisation, expressed as tfjs initializers.
 *
 * Speed does not depend on it, but W1's final loss and W3's gradient norms do:
 * with Keras defaults (Glorot, orthogonal recurrent kernel, forget bias 1) the
 * curves could not be compared with Tapestry's or PyTorch's. PyTorch draws
 * every recurrent weight and bias from U(-1/√hidden, 1/√hidden) and a Linear
 * layer's from U(-1/√fanIn, 1/√fanIn); embeddings from N(0, 1).
 * (PyTorch has two recurrent biases b_ih + b_hh, tfjs one; same function.)
 */
export class Seeds {
  constructor(private next: number) {}
  /** A fresh seed, so no two initializers draw the same numbers. */
  take(): number {
    return this.next++;
  }
}

type Initializer = ReturnType<typeof tf.initializers.randomUniform>;

export function torchUniform(fanIn: number, seeds: Seeds): Initializer {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seeds.take() });
}

export function torchNormal(seeds: Seeds): Initializer {
  return tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: seeds.take() });
}

/** Linear(inputs → units), applied to the last axis of any rank. */
export function linear(units: number, fanIn: number, seeds: Seeds): tf.layers.Layer {
  return tf.layers.dense({
    units,
    kernelInitializer: torchUniform(fanIn, seeds),
    biasInitializer: torchUniform(fanIn, seeds),
  });
}
