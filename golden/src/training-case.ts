import { add, matmul, mean, reshape, square, sub, tensor, valueAndGrad, type Tensor } from '@tapestry/core';
import { GRU, LSTM, RNN, type RecurrentModule, type StateDict } from '@tapestry/layers';
import { Comparison, GOLDEN_RTOL, GOLDEN_ATOL, decodeRecord, decodeTensor, type CaseResult, type EncodedTensor } from '@tapestry/layers/golden';
import { adam } from '@tapestry/optim';

/** The fields of a `training` fixture this runner reads. */
export interface TrainingFixture {
  case: string;
  config: {
    recurrent: { module: 'LSTM' | 'GRU' | 'RNN'; input_size: number; hidden_size: number; num_layers: number; bidirectional: boolean; nonlinearity?: 'tanh' | 'relu'; prefix: string };
    linear: { prefix: string };
    optimizer: { lr: number; betas: [number, number]; eps: number; weight_decay: number; amsgrad: boolean };
    steps: number;
    window: number;
  };
  params_init: Record<string, EncodedTensor>;
  inputs: { x: EncodedTensor };
  losses: number[];
  loss_after_last_step: number;
  params_final: Record<string, EncodedTensor>;
}

interface Model {
  rnn: StateDict;
  fc: { weight: Tensor; bias: Tensor };
}

function recurrentModule(c: TrainingFixture['config']['recurrent']): RecurrentModule {
  const options = { inputSize: c.input_size, hiddenSize: c.hidden_size, numLayers: c.num_layers, bidirectional: c.bidirectional };
  if (c.module === 'LSTM') return LSTM(options);
  if (c.module === 'GRU') return GRU(options);
  return RNN({ ...options, nonlinearity: c.nonlinearity });
}

/** The sine windows from the fixture's own series: X[i] = x[i:i+n], Y[i] = x[i+1:i+n+1]. */
function windows(x: Tensor, n: number): { X: Tensor; Y: Tensor } {
  const count = x.size - n;
  const X = new Float64Array(count * n);
  const Y = new Float64Array(count * n);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < n; k++) {
      X[i * n + k] = x.data[i + k];
      Y[i * n + k] = x.data[i + k + 1];
    }
  }
  return { X: tensor(X, { shape: [count, n, 1] }), Y: tensor(Y, { shape: [count, n, 1] }) };
}

function split(f: TrainingFixture, record: Record<string, Tensor>): Model {
  const { prefix } = f.config.recurrent;
  const rnn = Object.fromEntries(Object.entries(record).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const fcPrefix = f.config.linear.prefix;
  return { rnn, fc: { weight: record[`${fcPrefix}weight`], bias: record[`${fcPrefix}bias`] } };
}

/**
 * Replays the first training steps of the sine task (full batch, Adam, float64) and
 * compares the loss before every step, the final loss and the final parameters.
 */
export function runTrainingCase(fixture: unknown): CaseResult {
  const f = fixture as TrainingFixture;
  const module = recurrentModule(f.config.recurrent);
  const { X, Y } = windows(decodeTensor(f.inputs.x, 'float64', 'inputs.x'), f.config.window);
  const lossOf = (m: Model): Tensor => {
    const { output } = module.apply(m.rnn, X);
    const [B, T, H] = output.shape;
    const pred = add(matmul(reshape(output, [B * T, H]), m.fc.weight, { transB: true }), m.fc.bias);
    return mean(square(sub(reshape(pred, [B, T, 1]), Y)));
  };
  const o = f.config.optimizer;
  const opt = adam({ lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weight_decay, amsgrad: o.amsgrad });
  let params = split(f, decodeRecord(f.params_init, 'float64', 'params_init'));
  let state = opt.init(params);
  const cmp = new Comparison(GOLDEN_RTOL, GOLDEN_ATOL);
  const step = valueAndGrad(lossOf);
  for (let k = 0; k < f.config.steps; k++) {
    const [loss, grads] = step(params);
    cmp.value(`losses[${k}]`, loss.item(), f.losses[k]);
    [params, state] = opt.step(grads, state, params);
  }
  cmp.value('loss_after_last_step', lossOf(params).item(), f.loss_after_last_step);
  const final = split(f, decodeRecord(f.params_final, 'float64', 'params_final'));
  for (const [name, t] of Object.entries(final.rnn)) cmp.tensor(`params_final.${f.config.recurrent.prefix}${name}`, params.rnn[name], t);
  cmp.tensor('params_final.fc.weight', params.fc.weight, final.fc.weight);
  cmp.tensor('params_final.fc.bias', params.fc.bias, final.fc.bias);
  return cmp.result(f.case);
}
