import { add, zeros, type Tensor } from '@tapestry/core';
import type { Cell } from '../cell.js';
import { gruGates, gruGatesComposed } from '../fused/gru-gates.js';
import { registerGateDecompositions } from '../decompositions.js';
import type { GateParams } from './pytorch-params.js';
import { checkGateParams, initGateParams, projectInputs, recurrentProduct } from './pytorch-params.js';

/** Options of {@link gruCell}. */
export interface GruCellOptions {
  hiddenSize: number;
  /** Use the fused gate op (default) or the same math composed from elementary ops. */
  fused?: boolean;
}

/**
 * The GRU cell in PyTorch's formulation (gate order r, z, n; the reset gate multiplies
 * `h W_hnᵀ + b_hn`). Only the input bias is folded into the time-parallel projection,
 * because `b_hn` sits inside the reset gate's product.
 */
export function gruCell({ hiddenSize, fused = true }: GruCellOptions): Cell<GateParams, Tensor> {
  registerGateDecompositions();
  const gates = fused ? gruGates : gruGatesComposed;
  return {
    name: fused ? 'gru' : 'gru(composed)',
    outputSize: hiddenSize,
    init: (rng, inputSize, dtype) => initGateParams(rng, inputSize, hiddenSize, 3, dtype),
    initCarry: (batch, dtype = 'float32') => zeros([batch, hiddenSize], dtype),
    projectsStepwise: true,
    project: (p, xs) => {
      checkGateParams('gru', p, 3, hiddenSize);
      return projectInputs(xs, p.weight_ih, p.bias_ih);
    },
    step: (p, h, x) => {
      const next = gates(x, add(recurrentProduct(h, p.weight_hh), p.bias_hh), h);
      return [next, next];
    },
  };
}
