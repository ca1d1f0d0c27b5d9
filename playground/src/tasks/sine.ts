/**
 * Sine prediction, as in the tutorial: windows of 10 samples of sin t over two periods,
 * and the model predicts the next value at every step (full batch: all 90 windows).
 */
import { noGrad, sliceAxis, type Tensor } from '@tapestry/core';
import { hiddenState, linear, mseLoss, scan, type LinearParams } from '@tapestry/layers';
import { sineWindows } from '../data.js';
import type { TaskFactory } from './task.js';

interface Params {
  readonly cell: unknown;
  readonly head: LinearParams;
}

/** Mean squared deviation from the mean: the loss of predicting a constant. */
function variance(t: Tensor): number {
  let mean = 0;
  for (let i = 0; i < t.size; i++) mean += t.data[i] / t.size;
  let v = 0;
  for (let i = 0; i < t.size; i++) v += (t.data[i] - mean) ** 2 / t.size;
  return v;
}

export const sineTask: TaskFactory = (cell, { hidden }) => {
  const { inputs, targets } = sineWindows({ windowLength: 10 }); // [90, 10, 1] each
  const forward = (p: Params, keepStates: boolean) => {
    const { outputs, states } = scan(cell, p.cell, inputs, { keepStates });
    return { prediction: linear.apply(p.head, outputs), states };
  };
  const lastStep = (t: Tensor): number[] => Array.from(sliceAxis(t, 1, 9, 10).data);
  return {
    inputSize: 1,
    baseline: { value: variance(targets), label: 'predict the mean' },
    init: (rng) => ({ cell: cell.init(rng, 1), head: linear.init(rng, hidden, 1) }),
    loss: (p: Params) => {
      const { prediction, states } = forward(p, true);
      return { loss: mseLoss(prediction, targets), hidden: states.map(hiddenState), carry: undefined };
    },
    advance: () => {},
    probe: (p: Params) => noGrad(() => void forward(p, false)),
    view: (p: Params) => ({
      kind: 'series',
      title: 'next value after each window: prediction vs sin t',
      predicted: lastStep(noGrad(() => forward(p, false).prediction)),
      target: lastStep(targets),
    }),
  };
};
