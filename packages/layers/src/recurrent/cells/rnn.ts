import { add, relu, tanh, zeros, type Tensor } from '@tapestry/core';
import type { Cell } from '../cell.js';
import type { GateParams } from './pytorch-params.js';
import { checkGateParams, initGateParams, projectInputs, recurrentProduct } from './pytorch-params.js';

/** Options of {@link rnnCell}. */
export interface RnnCellOptions {
  hiddenSize: number;
  /** `tanh` (default) or `relu`. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * The Elman RNN cell, `h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`, with PyTorch's
 * parameter layout. Its carry is `h` `[B, H]`; its output is `h'`.
 */
export function rnnCell({ hiddenSize, nonlinearity = 'tanh' }: RnnCellOptions): Cell<GateParams, Tensor> {
  const act = nonlinearity === 'relu' ? relu : tanh;
  return {
    name: `rnn(${nonlinearity})`,
    outputSize: hiddenSize,
    init: (rng, inputSize, dtype) => initGateParams(rng, inputSize, hiddenSize, 1, dtype),
    initCarry: (batch, dtype = 'float32') => zeros([batch, hiddenSize], dtype),
    projectsStepwise: true,
    project: (p, xs) => {
      checkGateParams(`rnn(${nonlinearity})`, p, 1, hiddenSize);
      return projectInputs(xs, p.weight_ih, add(p.bias_ih, p.bias_hh));
    },
    step: (p, h, x) => {
      const next = act(add(x, recurrentProduct(h, p.weight_hh)));
      return [next, next];
    },
  };
}
