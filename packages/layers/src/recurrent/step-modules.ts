import { reshape, ShapeError, ValueError, formatShape, type DType, type Rng, type Tensor } from '@tapestry/core';
import type { Cell } from './cell.js';
import { gruCell } from './cells/gru.js';
import { lstmCell, type LstmCarry } from './cells/lstm.js';
import { initGateParams, type GateParams } from './cells/pytorch-params.js';
import { rnnCell } from './cells/rnn.js';

/**
 * One step of any cell on a single input `x` `[B, F]`: applies the cell's `project`
 * (if any) to the one step, then `step`. This is what sampling loops call.
 */
export function cellStep<P, C>(cell: Cell<P, C>, params: P, carry: C, x: Tensor): [C, Tensor] {
  if (x.rank !== 2) throw new ShapeError(`${cell.name}: a single step takes x [B, F], got ${formatShape(x.shape)}`);
  const [B, F] = x.shape;
  const input = cell.project ? cell.project(params, reshape(x, [B, 1, F])) : reshape(x, [B, 1, F]);
  return cell.step(params, carry, reshape(input, [B, input.shape[2]]));
}

/** Settings of a single-step module (`torch.nn.LSTMCell` names). */
export interface StepModuleOptions {
  inputSize: number;
  hiddenSize: number;
}

/** A PyTorch-layout single-step module: parameters `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`. */
export interface StepModule<C> {
  init(rng: Rng, dtype?: DType): GateParams;
  /** One step from carry (zeros when omitted) on `x` `[B, inputSize]`. */
  apply(params: GateParams, x: Tensor, carry?: C): C;
}

function checkOptions(kind: string, { inputSize, hiddenSize }: StepModuleOptions): void {
  for (const [k, v] of Object.entries({ inputSize, hiddenSize })) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`${kind}: ${k} must be a positive integer, got ${v}`);
  }
}

function stepModule<C>(kind: string, options: StepModuleOptions, gates: number, cell: Cell<GateParams, C>): StepModule<C> {
  checkOptions(kind, options);
  return {
    init: (rng, dtype) => initGateParams(rng, options.inputSize, options.hiddenSize, gates, dtype),
    apply: (params, x, carry) => {
      if (x.rank !== 2 || x.shape[1] !== options.inputSize) throw new ShapeError(`${kind}: x must be [B, ${options.inputSize}], got ${formatShape(x.shape)}`);
      return cellStep(cell, params, carry ?? cell.initCarry(x.shape[0], x.dtype), x)[0];
    },
  };
}

/** `torch.nn.RNNCell`: carry `h` `[B, H]`. */
export function RNNCellModule(options: StepModuleOptions & { nonlinearity?: 'tanh' | 'relu' }): StepModule<Tensor> {
  return stepModule('RNNCellModule', options, 1, rnnCell({ hiddenSize: options.hiddenSize, nonlinearity: options.nonlinearity }));
}

/** `torch.nn.LSTMCell`: carry `{ h, c }`, each `[B, H]`. */
export function LSTMCellModule(options: StepModuleOptions): StepModule<LstmCarry> {
  return stepModule('LSTMCellModule', options, 4, lstmCell({ hiddenSize: options.hiddenSize }));
}

/** `torch.nn.GRUCell`: carry `h` `[B, H]`. */
export function GRUCellModule(options: StepModuleOptions): StepModule<Tensor> {
  return stepModule('GRUCellModule', options, 3, gruCell({ hiddenSize: options.hiddenSize }));
}
