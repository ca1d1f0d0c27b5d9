import * as tf from '@tensorflow/tfjs';
import { normals } from '../data/random.js';
import { LONGSEQ, SEEDS } from '../data/sizes.js';
import { longseqPlan } from '../plans.js';
import { median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { linear, Seeds } from './init.js';
import { type CellKind, cellStep, recurrentCell, type TfCell, trainableVariables } from './recurrent.js';
import { tfjsResult } from './result.js';

/**
 * W3 `longseq`: one forward + backward through 512 steps that also yields
 * ‖∂L/∂h_t‖ for every t.
 *
 * tfjs can only differentiate with respect to tensors that exist before the
 * recorded function runs, and its RNN layer hides the per-step states. So the
 * loop is unrolled with the layer's own cell, and a zero "probe" variable is
 * added to each hidden state: h_t + p_t has the value of h_t, and ∂L/∂p_t is
 * exactly ∂L/∂h_t (through every later step), the quantity PyTorch's
 * retain_grad gives. One `tf.variableGrads` call returns the weights' and the
 * probes' gradients from a single backward pass; the 512 extra adds are noise
 * next to the matmuls.
 */

interface Network {
  readonly cell: TfCell;
  readonly head: tf.layers.Layer;
  readonly kind: CellKind;
}

function buildNetwork(kind: CellKind): Network {
  const { batch, input, hidden } = LONGSEQ;
  const seeds = new Seeds(SEEDS.init);
  const cell = recurrentCell(kind, hidden, seeds);
  cell.build([batch, input]);
  const head = linear(1, hidden, seeds);
  head.build([batch, hidden]);
  return { cell, head, kind };
}

function zeroStates(kind: CellKind): tf.Tensor[] {
  const shape = [LONGSEQ.batch, LONGSEQ.hidden];
  return kind === 'lstm' ? [tf.zeros(shape), tf.zeros(shape)] : [tf.zeros(shape)];
}

/** Loss = mean(Linear(h_T)), with the probe p_t added to every h_t. */
function probedLoss(net: Network, xs: tf.Tensor3D, probes: readonly tf.Variable[]): tf.Scalar {
  const steps = tf.unstack(xs, 1);
  let states = zeroStates(net.kind);
  steps.forEach((x, t) => {
    const [, h, ...rest] = cellStep(net.cell, x, states);
    states = [tf.add(h!, probes[t]!), ...rest];
  });
  return tf.mean(net.head.apply(states[0]!) as tf.Tensor);
}

function variantKind(variant: string): CellKind {
  if (variant === 'rnn' || variant === 'lstm') return variant;
  throw new Error(`W3: unknown variant ${variant}`);
}

export const run: WorkloadRun = async (variant, opts) => {
  const { batch, seqLen, input, hidden } = LONGSEQ;
  const net = buildNetwork(variantKind(variant));
  const xs = tf.tensor3d(normals(batch * seqLen * input, SEEDS.inputs), [batch, seqLen, input]);
  const probes = Array.from({ length: seqLen }, (_, t) => tf.variable(tf.zeros([batch, hidden]), true, `probe_h${t}`));
  const vars = [...trainableVariables([net.cell, net.head]), ...probes];
  let norms: number[] = [];
  let lastLoss = NaN;
  const iteration = (): void => {
    const [value, normsT] = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => probedLoss(net, xs, probes), vars);
      const perStep = tf.stack(probes.map((p) => grads[p.name]!)); // [T, batch, hidden]
      return [value, tf.sqrt(tf.sum(tf.square(perStep), [1, 2]))];
    });
    norms = Array.from(normsT.dataSync());
    lastLoss = value.dataSync()[0]!;
    tf.dispose([value, normsT]);
  };
  const timing = await timeIterations(iteration, longseqPlan(opts.quick), opts.budgetSeconds);
  return tfjsResult(
    { figure: median(timing.samplesMs), unit: 'ms/iter', higherIsBetter: false, finalLoss: lastLoss, series: { gradNorms: norms } },
    timing,
  );
};
