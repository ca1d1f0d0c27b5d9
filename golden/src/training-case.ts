import { valueAndGrad, type Tensor } from '@tapestry/core';
import { GRU, LSTM, RNN, linear, mseLoss, type LinearParams, type RecurrentModule, type StateDict } from '@tapestry/layers';
import { compareNumber, compareTensor, decodeRecord, decodeTensor, summarize, type CaseResult, type Comparison } from './layers/index.js';
import { either as E } from 'fp-ts';
import { adam } from '@tapestry/optim';
import { slidingWindows } from '@tapestry/data';

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
  params_init: Record<string, unknown>;
  inputs: { x: unknown };
  losses: number[];
  loss_after_last_step: number;
  params_final: Record<string, unknown>;
}

interface Model {
  rnn: StateDict;
  fc: LinearParams;
}

function recurrentModule(c: TrainingFixture['config']['recurrent']): RecurrentModule {
  const options = { inputSize: c.input_size, hiddenSize: c.hidden_size, numLayers: c.num_layers, bidirectional: c.bidirectional };
  if (c.module === 'LSTM') return LSTM(options);
  if (c.module === 'GRU') return GRU(options);
  return RNN({ ...options, nonlinearity: c.nonlinearity });
}

function split(f: TrainingFixture, record: Record<string, Tensor>): Model {
  const { prefix } = f.config.recurrent;
  const rnn = Object.fromEntries(Object.entries(record).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const fcPrefix = f.config.linear.prefix;
  return { rnn, fc: { weight: record[`${fcPrefix}weight`], bias: record[`${fcPrefix}bias`] } };
}

function orThrow<T>(decoded: E.Either<string, T>): T {
  if (E.isLeft(decoded)) throw new Error(`malformed fixture: ${decoded.left}`);
  return decoded.right;
}

/**
 * Replays the first training steps of the sine task (full batch, Adam, float64) and
 * compares the loss before every step, the final loss and the final parameters.
 */
export function runTrainingCase(fixture: unknown): CaseResult {
  const f = fixture as TrainingFixture;
  try {
    return replay(f);
  } catch (e) {
    return { name: f.case ?? '?', ok: false, detail: `error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function replay(f: TrainingFixture): CaseResult {
  const module = recurrentModule(f.config.recurrent);
  // Windows of the fixture's own series (X[i] = x[i:i+n], Y[i] = x[i+1:i+n+1]), bit for bit.
  const { inputs: X, targets: Y } = slidingWindows(orThrow(decodeTensor('inputs.x', f.inputs.x, 'float64')), f.config.window);
  const lossOf = (m: Model): Tensor => mseLoss(linear.apply(m.fc, module.apply(m.rnn, X).output), Y);
  const o = f.config.optimizer;
  const opt = adam({ lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weight_decay, amsgrad: o.amsgrad });
  let params = split(f, orThrow(decodeRecord('params_init', f.params_init, 'float64')));
  let state = opt.init(params);
  const cmp: Comparison[] = [];
  const step = valueAndGrad(lossOf);
  for (let k = 0; k < f.config.steps; k++) {
    const [loss, grads] = step(params);
    cmp.push(compareNumber(`losses[${k}]`, loss.item(), f.losses[k]));
    [params, state] = opt.step(grads, state, params);
  }
  cmp.push(compareNumber('loss_after_last_step', lossOf(params).item(), f.loss_after_last_step));
  const final = split(f, orThrow(decodeRecord('params_final', f.params_final, 'float64')));
  for (const [name, t] of Object.entries(final.rnn)) cmp.push(compareTensor(`params_final.${f.config.recurrent.prefix}${name}`, params.rnn[name], t));
  for (const key of ['weight', 'bias'] as const) {
    const actual = params.fc[key], expected = final.fc[key];
    cmp.push(actual && expected ? compareTensor(`params_final.fc.${key}`, actual, expected) : { ok: false, ratio: Infinity, detail: `params_final.fc.${key}: missing` });
  }
  return summarize(f.case, cmp);
}
