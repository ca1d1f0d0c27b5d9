import { Rng, setBackend, tensor, valueAndGrad, wasmBackend, type Tensor } from '@tapestry/core';
import { GRU, LSTM, RNN, linear, mseLoss } from '@tapestry/layers';
import { adam } from '@tapestry/optim';
import { sineData } from './data/sine.js';
const [variant, backend, n] = process.argv.slice(2);
if (backend === 'wasm') setBackend(wasmBackend);
const module = variant === 'gru' ? GRU({ inputSize: 1, hiddenSize: 16 }) : variant === 'rnn' ? RNN({ inputSize: 1, hiddenSize: 16 }) : LSTM({ inputSize: 1, hiddenSize: 16, bidirectional: variant === 'bilstm' });
const rng = new Rng(1);
let params = { rnn: module.init(rng), fc: linear.init(rng, variant === 'bilstm' ? 32 : 16, 1) };
const data = sineData();
const x = tensor(data.x, { shape: [...data.shape] });
const y = tensor(data.y, { shape: [...data.shape] });
const step = valueAndGrad((p: typeof params): Tensor => mseLoss(linear.apply(p.fc, module.apply(p.rnn, x).output), y));
const opt = adam({ lr: 1e-3 });
let state = opt.init(params);
const epochs = Number(n ?? 2000);
const times: number[] = [];
for (let i = 0; i < epochs; i++) {
  const t = performance.now();
  const [, g] = step(params);
  [params, state] = opt.step(g, state, params);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(variant, backend, 'median ms/epoch', times[times.length >> 1].toFixed(3));
