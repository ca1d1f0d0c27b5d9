import { index, stack as stackTensors, ShapeError, ValueError, formatShape, type DType, type Rng, type Tensor } from '@tapestry/core';
import type { Cell } from './cell.js';
import { gruCell } from './cells/gru.js';
import { lstmCell, type LstmCarry } from './cells/lstm.js';
import type { GateParams } from './cells/pytorch-params.js';
import { rnnCell } from './cells/rnn.js';
import { bidirectional, recurrent, stackLayers } from './combinators.js';
import type { SequenceLayer } from './sequence-layer.js';

/** Settings of a PyTorch-layout recurrent module (the names follow `torch.nn.LSTM`). */
export interface RecurrentModuleOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. */
  dropout?: number;
}

/** Parameters by PyTorch name: `weight_ih_l0`, `bias_hh_l1_reverse`, … */
export type StateDict = Record<string, Tensor>;

/** Initial states and run options; `h0`/`c0` are `[numLayers·numDirections, B, H]` as in PyTorch. */
export interface RecurrentRunOptions {
  h0?: Tensor;
  c0?: Tensor;
  lengths?: Tensor | readonly number[];
  train?: boolean;
  rng?: Rng;
}

/** Output of a module: `output` `[B, T, D·H]` (top layer) and final states `[L·D, B, H]`. */
export interface RecurrentOutput {
  output: Tensor;
  h_n: Tensor;
  /** LSTM only. */
  c_n?: Tensor;
}

/** A PyTorch-layout recurrent module: `init` gives a state dict, `apply` runs it (batch first). */
export interface RecurrentModule {
  readonly kind: 'rnn' | 'lstm' | 'gru';
  readonly options: Required<RecurrentModuleOptions>;
  /** Parameters with PyTorch's names, shapes and default initialisation (uniform ±1/√H). */
  init(rng: Rng, dtype?: DType): StateDict;
  apply(params: StateDict, input: Tensor, options?: RecurrentRunOptions): RecurrentOutput;
}

type LayerParams = GateParams | { forward: GateParams; backward: GateParams };

interface CarryCodec<C> {
  /** Builds a cell carry from row `row` of h0 (and c0). */
  fromState(h0: Tensor | undefined, c0: Tensor | undefined, row: number): C | undefined;
  h(carry: C): Tensor;
  c(carry: C): Tensor | undefined;
}

const hiddenOnly: CarryCodec<Tensor> = {
  fromState: (h0, _c0, row) => (h0 === undefined ? undefined : index(h0, 0, row)),
  h: (carry) => carry,
  c: () => undefined,
};

const hiddenAndCell: CarryCodec<LstmCarry> = {
  fromState: (h0, c0, row) => {
    if ((h0 === undefined) !== (c0 === undefined)) throw new ValueError('LSTM: give both h0 and c0, or neither');
    return h0 === undefined || c0 === undefined ? undefined : { h: index(h0, 0, row), c: index(c0, 0, row) };
  },
  h: (carry) => carry.h,
  c: (carry) => carry.c,
};

function resolve(kind: string, options: RecurrentModuleOptions): Required<RecurrentModuleOptions> {
  const o = { numLayers: 1, bidirectional: false, dropout: 0, ...options };
  for (const key of ['inputSize', 'hiddenSize', 'numLayers'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new ValueError(`${kind}: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (!(o.dropout >= 0 && o.dropout < 1)) throw new ValueError(`${kind}: dropout must be in [0, 1), got ${o.dropout}`);
  return o;
}

function names(k: number, reverse: boolean): Record<keyof GateParams, string> {
  const s = `_l${k}${reverse ? '_reverse' : ''}`;
  return { weight_ih: `weight_ih${s}`, weight_hh: `weight_hh${s}`, bias_ih: `bias_ih${s}`, bias_hh: `bias_hh${s}` };
}

/**
 * The parameters of one layer and direction of a PyTorch-layout state dict, as the
 * cell-level tree `{ weight_ih, weight_hh, bias_ih, bias_hh }` (e.g. to step a module's
 * layer one token at a time with `cellStep`). `owner` names the caller in errors.
 */
export function layerGateParams(dict: StateDict, layer: number, reverse = false, owner = 'layerGateParams'): GateParams {
  const n = names(layer, reverse);
  const get = (name: string): Tensor => {
    const t = dict[name];
    if (t === undefined) throw new ShapeError(`${owner}: missing parameter '${name}'`);
    return t;
  };
  return { weight_ih: get(n.weight_ih), weight_hh: get(n.weight_hh), bias_ih: get(n.bias_ih), bias_hh: get(n.bias_hh) };
}

function makeModule<C>(kind: 'rnn' | 'lstm' | 'gru', options: Required<RecurrentModuleOptions>, cell: Cell<GateParams, C>, codec: CarryCodec<C>): RecurrentModule {
  const { inputSize, hiddenSize: H, numLayers: L, bidirectional: bi, dropout } = options;
  const D = bi ? 2 : 1;
  const layer = (bi ? bidirectional(cell) : recurrent(cell)) as SequenceLayer<LayerParams, C | { forward: C; backward: C }>;
  const net = stackLayers(Array.from({ length: L }, () => layer), { dropout });
  const toTree = (dict: StateDict): LayerParams[] =>
    Array.from({ length: L }, (_, k) => (bi ? { forward: layerGateParams(dict, k, false, kind), backward: layerGateParams(dict, k, true, kind) } : layerGateParams(dict, k, false, kind)));
  const carryOf = (h0: Tensor | undefined, c0: Tensor | undefined, k: number): C | { forward: C; backward: C } | undefined => {
    const f = codec.fromState(h0, c0, k * D);
    if (!bi || f === undefined) return f;
    return { forward: f, backward: codec.fromState(h0, c0, k * D + 1) as C };
  };
  const checkState = (name: string, s: Tensor | undefined, B: number): void => {
    if (s !== undefined && (s.rank !== 3 || s.shape[0] !== L * D || s.shape[1] !== B || s.shape[2] !== H)) {
      throw new ShapeError(`${kind}: ${name} must be [${L * D}, ${B}, ${H}], got ${formatShape(s.shape)}`);
    }
  };
  return {
    kind,
    options,
    init: (rng, dtype = 'float32') => {
      const dict: StateDict = {};
      const trees = net.init(rng, inputSize, dtype) as LayerParams[];
      trees.forEach((tree, k) => {
        const dirs: [GateParams, boolean][] = 'forward' in tree ? [[tree.forward, false], [tree.backward, true]] : [[tree, false]];
        for (const [p, reverse] of dirs) {
          const n = names(k, reverse);
          for (const key of Object.keys(n) as (keyof GateParams)[]) dict[n[key]] = p[key];
        }
      });
      return dict;
    },
    apply: (params, input, run = {}) => {
      if (input.rank !== 3 || input.shape[2] !== (inputSize)) {
        throw new ShapeError(`${kind}: input must be [B, T, ${inputSize}], got ${formatShape(input.shape)}`);
      }
      const B = input.shape[0];
      if (run.c0 !== undefined && kind !== 'lstm') throw new ValueError(`${kind}: c0 was given, but only an LSTM has a cell state (pass h0 alone)`);
      checkState('h0', run.h0, B);
      checkState('c0', run.c0, B);
      const carry = Array.from({ length: L }, (_, k) => carryOf(run.h0, run.c0, k));
      const out = net.apply(toTree(params), input, {
        carry: run.h0 === undefined ? undefined : (carry as (C | { forward: C; backward: C })[]),
        lengths: run.lengths,
        train: run.train,
        rng: run.rng,
      });
      const finals = out.carry.flatMap((c) => (bi ? [(c as { forward: C }).forward, (c as { backward: C }).backward] : [c as C]));
      const h_n = stackTensors(finals.map(codec.h), 0);
      const cs = finals.map(codec.c);
      const result: RecurrentOutput = { output: out.outputs, h_n };
      if (cs.every((c): c is Tensor => c !== undefined)) result.c_n = stackTensors(cs, 0);
      return result;
    },
  };
}

/** `torch.nn.LSTM`-compatible module (batch first). */
export function LSTM(options: RecurrentModuleOptions): RecurrentModule {
  const o = resolve('LSTM', options);
  return makeModule('lstm', o, lstmCell({ hiddenSize: o.hiddenSize }), hiddenAndCell);
}

/** `torch.nn.GRU`-compatible module (batch first). */
export function GRU(options: RecurrentModuleOptions): RecurrentModule {
  const o = resolve('GRU', options);
  return makeModule('gru', o, gruCell({ hiddenSize: o.hiddenSize }), hiddenOnly);
}

/** `torch.nn.RNN`-compatible module (batch first), `nonlinearity` tanh or relu. */
export function RNN(options: RecurrentModuleOptions & { nonlinearity?: 'tanh' | 'relu' }): RecurrentModule {
  const o = resolve('RNN', options);
  return makeModule('rnn', o, rnnCell({ hiddenSize: o.hiddenSize, nonlinearity: options.nonlinearity }), hiddenOnly);
}

/** The names of the built-in recurrent layers. */
export const recurrentKinds = ['rnn', 'lstm', 'gru'] as const;

/** A built-in recurrent layer's name. */
export type RecurrentKind = (typeof recurrentKinds)[number];

/**
 * {@link RNN} (tanh), {@link LSTM} or {@link GRU} chosen by name — for a `--cell` flag or
 * a benchmark variant.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { recurrentModule } from '@tapestry/layers';
 * const gru = recurrentModule('gru', { inputSize: 8, hiddenSize: 16, numLayers: 2 });
 * const out = gru.apply(gru.init(new Rng(0)), new Rng(1).normal([4, 10, 8]));
 * console.log(out.output.shape); // [4, 10, 16]
 * ```
 */
export function recurrentModule(kind: RecurrentKind, options: RecurrentModuleOptions): RecurrentModule {
  switch (kind) {
    case 'rnn':
      return RNN(options);
    case 'lstm':
      return LSTM(options);
    case 'gru':
      return GRU(options);
    default:
      throw new ValueError(`recurrentModule: unknown kind ${JSON.stringify(kind)}; the built-in kinds are ${recurrentKinds.join(', ')}`);
  }
}
