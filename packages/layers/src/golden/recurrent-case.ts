import { add, mul, sum, valueAndGrad, type Tensor } from '@tapestry/core';
import { GRU, LSTM, RNN, type RecurrentModule } from '../recurrent/modules.js';
import { GRUCell, LSTMCell, RNNCell } from '../recurrent/step-modules.js';
import type { GateParams } from '../recurrent/cells/pytorch-params.js';
import type { LstmCarry } from '../recurrent/cells/lstm.js';
import { Comparison, decodeRecord, decodeTensor, type CaseResult, type EncodedTensor } from './fixture.js';

/** The fields of a `cell` or `recurrent` golden fixture this runner reads. */
export interface RecurrentFixture {
  case: string;
  kind: 'cell' | 'recurrent';
  module: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  config: { input_size: number; hidden_size: number; num_layers?: number; nonlinearity?: 'tanh' | 'relu'; bidirectional?: boolean };
  params: Record<string, EncodedTensor>;
  inputs: Record<string, EncodedTensor>;
  outputs: Record<string, EncodedTensor>;
  loss_weights: Record<string, EncodedTensor>;
  loss: { value: number };
  grads: Record<string, EncodedTensor>;
}

/** Relative tolerance: the fixtures are exact float64 math, so only rounding may differ. */
export const GOLDEN_RTOL = 1e-9;
/** Absolute floor for values that are ~0, where relative error is meaningless. */
export const GOLDEN_ATOL = 1e-12;

type Outputs = Record<string, Tensor | undefined>;

function weightedLoss(outputs: Outputs, weights: Record<string, Tensor>): Tensor {
  let loss: Tensor | undefined;
  for (const [name, w] of Object.entries(weights)) {
    const out = outputs[name];
    if (out === undefined) throw new Error(`golden: the model has no output '${name}'`);
    const term = sum(mul(out, w));
    loss = loss === undefined ? term : add(loss, term);
  }
  if (loss === undefined) throw new Error('golden: no loss weights');
  return loss;
}

function sequenceModule(f: RecurrentFixture): RecurrentModule {
  const options = { inputSize: f.config.input_size, hiddenSize: f.config.hidden_size, numLayers: f.config.num_layers, bidirectional: f.config.bidirectional };
  if (f.module === 'LSTM') return LSTM(options);
  if (f.module === 'GRU') return GRU(options);
  return RNN({ ...options, nonlinearity: f.config.nonlinearity });
}

/** Runs the model of fixture `f` on `vars` (inputs and parameters by their fixture names). */
function forward(f: RecurrentFixture, vars: Record<string, Tensor>, lengths: Tensor | undefined): Outputs {
  const { input, h0, c0, ...params } = vars;
  if (f.kind === 'recurrent') {
    const out = sequenceModule(f).apply(params, input, { h0, c0, lengths });
    return { output: out.output, h_n: out.h_n, c_n: out.c_n };
  }
  const options = { inputSize: f.config.input_size, hiddenSize: f.config.hidden_size };
  const p = params as unknown as GateParams;
  if (f.module === 'LSTMCell') {
    const carry: LstmCarry | undefined = h0 && c0 ? { h: h0, c: c0 } : undefined;
    const next = LSTMCell(options).apply(p, input, carry);
    return { h_n: next.h, c_n: next.c };
  }
  const cell = f.module === 'GRUCell' ? GRUCell(options) : RNNCell({ ...options, nonlinearity: f.config.nonlinearity });
  return { h_n: cell.apply(p, input, h0) };
}

/**
 * Runs one `cell` or `recurrent` golden fixture in float64: outputs, final states,
 * the loss and the gradient of the loss with respect to the input, initial states and
 * every parameter, each compared at {@link GOLDEN_RTOL} with floor {@link GOLDEN_ATOL}.
 */
export function runRecurrentCase(fixture: unknown): CaseResult {
  const f = fixture as RecurrentFixture;
  const { lengths: encodedLengths, ...encodedInputs } = f.inputs;
  const lengths = encodedLengths === undefined ? undefined : decodeTensor(encodedLengths, 'int32', 'inputs.lengths');
  const vars = { ...decodeRecord(encodedInputs, 'float64', 'inputs'), ...decodeRecord(f.params, 'float64', 'params') };
  const weights = decodeRecord(f.loss_weights, 'float64', 'loss_weights');
  let outputs: Outputs = {};
  const lossOf = (v: Record<string, Tensor>): Tensor => {
    outputs = forward(f, v, lengths);
    return weightedLoss(outputs, weights);
  };
  const [loss, grads] = valueAndGrad(lossOf)(vars);
  const cmp = new Comparison(GOLDEN_RTOL, GOLDEN_ATOL);
  for (const [name, expected] of Object.entries(decodeRecord(f.outputs, 'float64', 'outputs'))) cmp.tensor(`outputs.${name}`, outputs[name], expected);
  cmp.value('loss', loss.item(), f.loss.value);
  for (const [name, expected] of Object.entries(decodeRecord(f.grads, 'float64', 'grads'))) cmp.tensor(`grads.${name}`, grads[name], expected);
  return cmp.result(f.case);
}
