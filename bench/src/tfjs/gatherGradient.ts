import * as tf from '@tensorflow/tfjs';

/**
 * Gradient of GatherV2 (the embedding lookup) for the wasm backend.
 *
 * tfjs's own rule sums the incoming gradient rows with `unsortedSegmentSum`,
 * a kernel the wasm backend does not have, so an embedding cannot train there.
 * `scatterND` is available on wasm and adds rows that share an index, which is
 * exactly the sum needed. Only axis 0 without batch dimensions is handled —
 * the embedding's case; anything else fails loudly rather than silently wrong.
 */
const gatherGradient: tf.GradConfig = {
  kernelName: 'GatherV2',
  inputsToSave: ['x', 'indices'],
  gradFunc: (dy, saved, attrs) => {
    const [x, indices] = saved as [tf.Tensor, tf.Tensor];
    const axis = attrs['axis'] as number;
    const batchDims = attrs['batchDims'] as number;
    if (axis !== 0 || batchDims !== 0) {
      throw new Error(`GatherV2 gradient: only axis 0, batchDims 0 (got axis ${axis}, batchDims ${batchDims})`);
    }
    const rows = indices.size;
    return {
      x: () => tf.scatterND(indices.reshape([rows, 1]), (dy as tf.Tensor).reshape([rows, ...x.shape.slice(1)]), x.shape),
      indices: () => tf.zerosLike(indices),
    };
  },
};

/** Replaces the GatherV2 gradient; the registry is global, so only call it for wasm. */
export function registerGatherGradient(): void {
  tf.registerGradient(gatherGradient);
}
