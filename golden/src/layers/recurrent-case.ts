import { either as E } from 'fp-ts';
import { add, mul, sum, valueAndGrad, type Tensor } from '@tapestry/core';
import { GRU, GRUCellModule, LSTM, LSTMCellModule, RNN, RNNCellModule, type GateParams, type LstmCarry, type RecurrentModule } from '@tapestry/layers';
import { compareNumber, compareTensor, summarize, type CaseResult, type Comparison } from './compare.js';
import { decodeRecord, decodeTensor } from './decode.js';

/** The fields of a `cell` or `recurrent` golden fixture this runner reads. */
export interface RecurrentFixture {
  case: string;
  kind: 'cell' | 'recurrent';
  module: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  config: { input_size: number; hidden_size: number; num_layers?: number; nonlinearity?: 'tanh' | 'relu'; bidirectional?: boolean };
  params: Record<string, unknown>;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  loss_weights: Record<string, unknown>;
  loss: { value: number };
  grads: Record<string, unknown>;
}

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
    const next = LSTMCellModule(options).apply(p, input, carry);
    return { h_n: next.h, c_n: next.c };
  }
  const cell = f.module === 'GRUCell' ? GRUCellModule(options) : RNNCellModule({ ...options, nonlinearity: f.config.nonlinearity });
  return { h_n: cell.apply(p, input, h0) };
}

/** Decodes a record, throwing the decoder's message (caught by {@link runRecurrentCase}). */
function record(where: string, x: unknown, dtype: 'float64' | 'int32' = 'float64'): Record<string, Tensor> {
  const decoded = decodeRecord(where, x, dtype);
  if (E.isLeft(decoded)) throw new Error(`malformed fixture: ${decoded.left}`);
  return decoded.right;
}

function compute(f: RecurrentFixture): Comparison[] {
  const { lengths: encodedLengths, ...encodedInputs } = f.inputs;
  const decodedLengths = encodedLengths === undefined ? undefined : decodeTensor('inputs.lengths', encodedLengths, 'int32');
  if (decodedLengths !== undefined && E.isLeft(decodedLengths)) throw new Error(`malformed fixture: ${decodedLengths.left}`);
  const lengths = decodedLengths?.right;
  const vars = { ...record('inputs', encodedInputs), ...record('params', f.params) };
  const weights = record('loss_weights', f.loss_weights);
  let outputs: Outputs = {};
  const lossOf = (v: Record<string, Tensor>): Tensor => {
    outputs = forward(f, v, lengths);
    return weightedLoss(outputs, weights);
  };
  const [loss, grads] = valueAndGrad(lossOf)(vars);
  const comparisons: Comparison[] = [];
  for (const [name, expected] of Object.entries(record('outputs', f.outputs))) {
    const actual = outputs[name];
    comparisons.push(actual === undefined ? { ok: false, ratio: Infinity, detail: `outputs.${name}: not produced` } : compareTensor(`outputs.${name}`, actual, expected));
  }
  comparisons.push(compareNumber('loss', loss.item(), f.loss.value));
  for (const [name, expected] of Object.entries(record('grads', f.grads))) {
    const actual = grads[name];
    comparisons.push(actual === undefined ? { ok: false, ratio: Infinity, detail: `grads.${name}: no such input or parameter` } : compareTensor(`grads.${name}`, actual, expected));
  }
  return comparisons;
}

/**
 * Runs one `cell` or `recurrent` golden fixture in float64: outputs, final states, the
 * loss and the gradient of the loss with respect to the input, initial states and
 * every parameter, each compared to 1e-9 relative with an absolute floor of 1e-12.
 * Never throws: a malformed fixture or a failing computation is a failed verdict.
 */
export function runRecurrentCase(fixture: unknown): CaseResult {
  const name = typeof (fixture as { case?: unknown })?.case === 'string' ? (fixture as { case: string }).case : '?';
  try {
    return summarize(name, compute(fixture as RecurrentFixture));
  } catch (e) {
    return { name, ok: false, detail: `error: ${e instanceof Error ? e.message : String(e)}` };
  }
}
