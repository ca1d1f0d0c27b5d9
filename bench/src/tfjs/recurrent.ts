import * as tf from '@tensorflow/tfjs';
import { type Seeds, torchUniform } from './init.js';

export type CellKind = 'rnn' | 'lstm' | 'gru';

/** A tfjs recurrent cell, as held by an RNN layer's `cell` property. */
export type TfCell = tf.RNN['cell'];

/**
 * Constructor arguments common to layers and cells: PyTorch-style init, and
 * sigmoid gates — tfjs defaults to hardSigmoid, which is not PyTorch's math.
 * LSTM: no forget-gate bias of 1 (tfjs default), as in PyTorch.
 * GRU: tfjs implements only the "reset before" form (r scales h before the
 * recurrent matmul); PyTorch resets after. Same cost, slightly different function.
 */
function cellArgs(kind: CellKind, units: number, seeds: Seeds) {
  const common = {
    units,
    kernelInitializer: torchUniform(units, seeds),
    recurrentInitializer: torchUniform(units, seeds),
    biasInitializer: torchUniform(units, seeds),
  };
  if (kind === 'rnn') return { ...common, activation: 'tanh' as const };
  if (kind === 'lstm') return { ...common, recurrentActivation: 'sigmoid' as const, unitForgetBias: false };
  return { ...common, recurrentActivation: 'sigmoid' as const };
}

/** A whole-sequence layer, batch-first, returning every step's output. */
export function recurrentLayer(kind: CellKind, units: number, seeds: Seeds): tf.RNN {
  const args = { ...cellArgs(kind, units, seeds), returnSequences: true };
  if (kind === 'rnn') return tf.layers.simpleRNN(args);
  if (kind === 'lstm') return tf.layers.lstm(args);
  return tf.layers.gru(args);
}

/** A single-step cell, for loops that must see each hidden state (W3). */
export function recurrentCell(kind: CellKind, units: number, seeds: Seeds): TfCell {
  const args = cellArgs(kind, units, seeds);
  if (kind === 'rnn') return tf.layers.simpleRNNCell(args);
  if (kind === 'lstm') return tf.layers.lstmCell(args);
  return tf.layers.gruCell(args);
}

/**
 * One step of a cell: `[output, ...newStates]` from input [batch, in] and the
 * states (h, or h and c). `call` is what tfjs's own RNN loop invokes per step.
 */
export function cellStep(cell: TfCell, x: tf.Tensor, states: readonly tf.Tensor[]): tf.Tensor[] {
  const out = cell.call([x, ...states], {});
  if (!Array.isArray(out)) throw new Error('recurrent cell returned a single tensor');
  return out;
}

/** The variables of some layers, for `tf.variableGrads` / `optimizer.minimize`. */
export function trainableVariables(layers: readonly tf.layers.Layer[]): tf.Variable[] {
  // LayerVariable.read() returns the underlying tf.Variable (tfjs-layers' own
  // training loop makes the same cast).
  return layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
}
