/**
 * The adding problem: T random numbers, two of them marked, and the target is their sum,
 * read from the last hidden state — the loss at step T depends on steps ~T/2 back, so
 * ‖∂L/∂h_t‖ shows how far the error signal reaches. A fresh batch every step.
 */
import { Rng, noGrad, type Tensor } from '@tapestry/core';
import { hiddenState, linear, mseLoss, scan, type LinearParams } from '@tapestry/layers';
import { addingProblem } from '../data.js';
import type { TaskFactory } from './task.js';

interface Params {
  readonly cell: unknown;
  readonly head: LinearParams;
}

const BATCH = 32;

export const addingTask: TaskFactory = (cell, { hidden, length }) => {
  const dataRng = new Rng(1);
  const fixed = addingProblem(new Rng(2), { samples: 64, length });
  const forward = (p: Params, xs: Tensor, keepStates: boolean) => {
    const { carry, states } = scan(cell, p.cell, xs, { keepStates });
    return { prediction: linear.apply(p.head, hiddenState(carry)), states };
  };
  return {
    inputSize: 2,
    // The sum of two U(0, 1) has variance 1/6: the loss of always answering 1.
    baseline: { value: 1 / 6, label: 'always answer 1' },
    init: (rng) => ({ cell: cell.init(rng, 2), head: linear.init(rng, hidden, 1) }),
    loss: (p: Params) => {
      const batch = addingProblem(dataRng, { samples: BATCH, length });
      const { prediction, states } = forward(p, batch.inputs, true);
      return { loss: mseLoss(prediction, batch.targets), hidden: states.map(hiddenState), carry: undefined };
    },
    advance: () => {},
    probe: (p: Params) => noGrad(() => void forward(p, fixed.inputs, false)),
    view: (p: Params) => ({
      kind: 'scatter',
      title: `predicted sum vs true sum (64 held-out sequences, T = ${length})`,
      predicted: Array.from(noGrad(() => forward(p, fixed.inputs, false).prediction).data),
      target: Array.from(fixed.targets.data),
    }),
  };
};
