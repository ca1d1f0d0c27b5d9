import * as tf from '@tensorflow/tfjs';

/**
 * Scales all gradients by min(1, maxNorm / (‖g‖ + 1e-6)), ‖g‖ the L2 norm of
 * all gradients taken together — torch.nn.utils.clip_grad_norm_'s formula.
 * tfjs optimizers have no global-norm clipping of their own. Returns the
 * `{ name, tensor }[]` form that `optimizer.applyGradients` accepts.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { name: string; tensor: tf.Tensor }[] {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const squares = names.map((n) => tf.sum(tf.square(grads[n]!)));
    const norm = tf.sqrt(tf.addN(squares));
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return names.map((name) => ({ name, tensor: tf.mul(grads[name]!, scale) }));
  });
}
