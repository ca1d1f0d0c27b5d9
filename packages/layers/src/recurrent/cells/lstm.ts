import { add, zeros, type Tensor } from '@tapestry/core';
import type { Cell } from '../cell.js';
import { lstmGates, lstmGatesComposed } from '../fused/lstm-gates.js';
import { registerGateDecompositions } from '../decompositions.js';
import type { GateParams } from './pytorch-params.js';
import { checkGateParams, initGateParams, projectInputs, recurrentProduct } from './pytorch-params.js';

/** The LSTM's carry: hidden state and cell state, each `[B, H]`. */
export interface LstmCarry {
  h: Tensor;
  c: Tensor;
}

/** Options of {@link lstmCell}. */
export interface LstmCellOptions {
  hiddenSize: number;
  /** Use the fused gate op (default) or the same math composed from elementary ops. */
  fused?: boolean;
}

/**
 * The LSTM cell with PyTorch's layout and gate order i, f, g, o:
 * `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh(c')`. Its output is `h'`.
 */
export function lstmCell({ hiddenSize, fused = true }: LstmCellOptions): Cell<GateParams, LstmCarry> {
  registerGateDecompositions();
  const gates = fused ? lstmGates : lstmGatesComposed;
  return {
    name: fused ? 'lstm' : 'lstm(composed)',
    outputSize: hiddenSize,
    init: (rng, inputSize, dtype) => initGateParams(rng, inputSize, hiddenSize, 4, dtype),
    initCarry: (batch, dtype = 'float32') => ({ h: zeros([batch, hiddenSize], dtype), c: zeros([batch, hiddenSize], dtype) }),
    projectsStepwise: true,
    project: (p, xs) => {
      checkGateParams('lstm', p, 4, hiddenSize);
      return projectInputs(xs, p.weight_ih, add(p.bias_ih, p.bias_hh));
    },
    step: (p, { h, c }, x) => {
      const [hNext, cNext] = gates(add(x, recurrentProduct(h, p.weight_hh)), c);
      return [{ h: hNext, c: cNext }, hNext];
    },
  };
}
