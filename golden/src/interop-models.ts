/**
 * The Tapestry side of the PyTorch interop files (`interop/pytorch_interop.py`): each
 * file's `config` names a `torch.nn` model; this builds the equivalent Tapestry model —
 * as the `LSTM`/`GRU`/`RNN` module or as the `stackLayers` tree of cells — with its
 * parameter template, and runs it on the file's `io.input` / `io.tokens`.
 */
import { cast, type DType, Rng, type Tensor } from '@tapestry/core';
import {
  bidirectional,
  embedding,
  gruCell,
  linear,
  lstmCell,
  recurrent,
  recurrentModule,
  RNN,
  rnnCell,
  stackLayers,
  type Cell,
  type RecurrentModule,
  type SequenceLayer,
} from '@tapestry/layers';

/** A model's settings as the script writes them in the file's metadata. */
export interface InteropConfig {
  kind: 'rnn' | 'lstm' | 'gru' | 'lm';
  nonlinearity?: 'tanh' | 'relu';
  input?: number;
  hidden: number;
  layers: number;
  bidirectional?: boolean;
  vocab?: number;
  embed?: number;
}

/** One way of building the model: a parameter template and the forward pass producing the `io.*` outputs. */
export interface InteropModel {
  template: unknown;
  run(params: unknown, io: Readonly<Record<string, Tensor>>): Record<string, Tensor>;
}

/** The model as a PyTorch-layout module (`LSTM`, `GRU`, `RNN`; for `lm`, embedding + LSTM + linear). */
export function asModule(config: InteropConfig, dtype: DType, rng = new Rng(0)): InteropModel {
  if (config.kind === 'lm') return languageModel(config, dtype, rng, (input) => moduleLayer(recurrentModule('lstm', { inputSize: input, hiddenSize: config.hidden, numLayers: config.layers })));
  const module = recurrentModuleOf(config);
  return {
    template: module.init(rng, dtype),
    run: (params, io) => {
      const out = module.apply(params as Record<string, Tensor>, io['io.input']);
      return { 'io.output': out.output, 'io.h_n': out.h_n, ...(out.c_n === undefined ? {} : { 'io.c_n': out.c_n }) };
    },
  };
}

/** The same model built from cells with `recurrent`/`bidirectional`/`stackLayers` (outputs only: a stack's carries are per layer). */
export function asStack(config: InteropConfig, dtype: DType, rng = new Rng(0)): InteropModel {
  const stackOf = (input: number): Layer => {
    const cell = cellOf(config) as Cell<unknown, unknown>;
    const layer = (config.bidirectional ?? false) ? bidirectional(cell) : recurrent(cell);
    const net = stackLayers(Array.from({ length: config.layers }, () => layer as SequenceLayer<unknown, unknown>));
    return { init: (r, d) => net.init(r, input, d), apply: (p, xs) => net.apply(p as never, xs).outputs };
  };
  if (config.kind === 'lm') return languageModel(config, dtype, rng, stackOf);
  const net = stackOf(config.input ?? 0);
  return { template: net.init(rng, dtype), run: (params, io) => ({ 'io.output': net.apply(params, io['io.input']) }) };
}

interface Layer {
  init(rng: Rng, dtype: DType): unknown;
  apply(params: unknown, xs: Tensor): Tensor;
}

function moduleLayer(module: RecurrentModule): Layer {
  return { init: (r, d) => module.init(r, d), apply: (p, xs) => module.apply(p as Record<string, Tensor>, xs).output };
}

function languageModel(config: InteropConfig, dtype: DType, rng: Rng, recurrentLayer: (input: number) => Layer): InteropModel {
  const vocab = config.vocab ?? 0;
  const embed = config.embed ?? 0;
  const lstm = recurrentLayer(embed);
  const [r1, r2, r3] = rng.split(3);
  const template = { embed: embedding.init(r1, vocab, embed, { dtype }), lstm: lstm.init(r2, dtype), head: linear.init(r3, config.hidden, vocab, { dtype }) };
  return {
    template,
    run: (params, io) => {
      const p = params as typeof template;
      const hidden = lstm.apply(p.lstm, embedding.apply(p.embed, cast(io['io.tokens'], 'int32')));
      return { 'io.logits': linear.apply(p.head, hidden) };
    },
  };
}

function recurrentModuleOf(config: InteropConfig): RecurrentModule {
  const options = { inputSize: config.input ?? 0, hiddenSize: config.hidden, numLayers: config.layers, bidirectional: config.bidirectional ?? false };
  if (config.kind === 'rnn') return RNN({ ...options, nonlinearity: config.nonlinearity });
  return recurrentModule(config.kind as 'lstm' | 'gru', options);
}

function cellOf(config: InteropConfig): Cell<unknown, unknown> {
  const hiddenSize = config.hidden;
  if (config.kind === 'rnn') return rnnCell({ hiddenSize, nonlinearity: config.nonlinearity }) as Cell<unknown, unknown>;
  if (config.kind === 'gru') return gruCell({ hiddenSize }) as Cell<unknown, unknown>;
  return lstmCell({ hiddenSize }) as Cell<unknown, unknown>;
}
