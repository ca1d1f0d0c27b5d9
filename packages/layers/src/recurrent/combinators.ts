import { concat, mul, ShapeError, ValueError, type Rng, type Tensor } from '@tapestry/core';
import type { Cell } from './cell.js';
import { scan } from './scan.js';
import type { SequenceLayer, SequenceOptions } from './sequence-layer.js';

/**
 * Unrolls one cell over time as a {@link SequenceLayer} (forward, or `reverse`).
 *
 * @example
 * ```ts
 * import { gruCell, recurrent } from '@tapestry/layers';
 * const layer = recurrent(gruCell({ hiddenSize: 32 }));
 * ```
 */
export function recurrent<P, C>(cell: Cell<P, C>, options: { reverse?: boolean } = {}): SequenceLayer<P, C> {
  return {
    name: cell.name,
    outputSize: cell.outputSize,
    init: (rng, inputSize, dtype) => cell.init(rng, inputSize, dtype),
    initCarry: (batch, dtype) => cell.initCarry(batch, dtype),
    apply: (params, xs, opts = {}) => {
      const { outputs, carry } = scan(cell, params, xs, { carry: opts.carry, lengths: opts.lengths, reverse: options.reverse });
      return { outputs, carry };
    },
  };
}

/** Parameters of a bidirectional layer: one tree per direction. */
export interface BidirectionalParams<P> {
  forward: P;
  backward: P;
}

/** Carry of a bidirectional layer: one per direction. */
export interface BidirectionalCarry<C> {
  forward: C;
  backward: C;
}

/**
 * Runs `cell` forward and a second copy (or `backwardCell`) in reverse over the same
 * input and concatenates the outputs as `[forward | reverse]` along the features. With
 * `lengths`, the reverse direction starts at each sequence's last valid step.
 */
export function bidirectional<P, C>(cell: Cell<P, C>, backwardCell: Cell<P, C> = cell): SequenceLayer<BidirectionalParams<P>, BidirectionalCarry<C>> {
  return {
    name: `bidirectional(${cell.name})`,
    outputSize: cell.outputSize + backwardCell.outputSize,
    init: (rng, inputSize, dtype) => {
      const [rf, rb] = rng.split(2);
      return { forward: cell.init(rf, inputSize, dtype), backward: backwardCell.init(rb, inputSize, dtype) };
    },
    initCarry: (batch, dtype) => ({ forward: cell.initCarry(batch, dtype), backward: backwardCell.initCarry(batch, dtype) }),
    apply: (params, xs, opts = {}) => {
      const fwd = scan(cell, params.forward, xs, { carry: opts.carry?.forward, lengths: opts.lengths });
      const bwd = scan(backwardCell, params.backward, xs, { carry: opts.carry?.backward, lengths: opts.lengths, reverse: true });
      return { outputs: concat([fwd.outputs, bwd.outputs], 2), carry: { forward: fwd.carry, backward: bwd.carry } };
    },
  };
}

/** Options of {@link stackLayers}. */
export interface StackOptions {
  /** Dropout probability on the outputs of every layer but the last (as PyTorch's `dropout`). */
  dropout?: number;
}

/** The parameter tree of a sequence layer. */
export type ParamsOf<L> = L extends SequenceLayer<infer P, infer _C> ? P : never;
/** The carry of a sequence layer. */
export type CarryOf<L> = L extends SequenceLayer<infer _P, infer C> ? C : never;

/**
 * Stacks sequence layers: layer k + 1 reads the full output of layer k. Parameters and
 * carries are tuples with one entry per layer, typed per layer, so different layers mix
 * freely (`stackLayers([bidirectional(lstm), recurrent(gru)])`). Dropout between layers is
 * applied only in training mode.
 */
export function stackLayers<const L extends readonly SequenceLayer<unknown, unknown>[]>(
  layers: L,
  options: StackOptions = {},
): SequenceLayer<{ -readonly [K in keyof L]: ParamsOf<L[K]> }, { -readonly [K in keyof L]: CarryOf<L[K]> }> {
  type P = { -readonly [K in keyof L]: ParamsOf<L[K]> };
  type C = { -readonly [K in keyof L]: CarryOf<L[K]> };
  const p = options.dropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new ValueError(`stackLayers: dropout must be in [0, 1), got ${p}`);
  if (layers.length === 0) throw new ValueError('stackLayers: needs at least one layer');
  return {
    name: `stackLayers(${layers.map((l) => l.name).join(', ')})`,
    outputSize: layers[layers.length - 1].outputSize,
    init: (rng, inputSize, dtype) => {
      const rngs = rng.split(layers.length);
      let size = inputSize;
      return layers.map((layer, k) => {
        const params = layer.init(rngs[k], size, dtype);
        size = layer.outputSize;
        return params;
      }) as P;
    },
    initCarry: (batch, dtype) => layers.map((l) => l.initCarry(batch, dtype)) as C,
    apply: (params, xs, opts: SequenceOptions<C> = {}) => {
      const ps = params as readonly unknown[];
      if (ps.length !== layers.length) throw new ShapeError(`stackLayers: ${ps.length} parameter trees for ${layers.length} layers`);
      const carries: unknown[] = [];
      let h = xs;
      layers.forEach((layer, k) => {
        const out = layer.apply(ps[k], h, { carry: (opts.carry as readonly unknown[] | undefined)?.[k], lengths: opts.lengths });
        carries.push(out.carry);
        h = k < layers.length - 1 && opts.train && p > 0 ? dropoutBetween(out.outputs, p, opts.rng) : out.outputs;
      });
      return { outputs: h, carry: carries as C };
    },
  };
}

/** Inverted dropout on a layer's outputs (a fresh mask per element, as PyTorch's inter-layer dropout). */
function dropoutBetween(x: Tensor, p: number, rng: Rng | undefined): Tensor {
  if (rng === undefined) throw new ValueError('stackLayers: training with dropout needs an rng');
  return mul(x, mul(rng.bernoulli(x.shape, 1 - p, x.dtype), 1 / (1 - p)));
}
