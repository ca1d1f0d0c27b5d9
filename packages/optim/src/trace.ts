import type { Tensor } from '@tapestry/core';
import { ValueError, fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, hyperAt } from './hyper.js';
import { allocLike, floatData, mapPairs, pairLeaves } from './leaves.js';
import type { Moments } from './moments.js';
import { initMoments, momentData, momentsByPath, rebuild } from './moments.js';
import type { GradientTransformation } from './transformation.js';

/** Options of {@link trace}. Numbers may also be schedules of the step count. */
export interface TraceOptions {
  /** Momentum factor, ≥ 0 (Optax's `decay`). */
  readonly momentum: Hyper;
  /** Dampening of the incoming update, in [0, 1] (default 0). */
  readonly dampening?: Hyper;
  /** Nesterov momentum: output `g + momentum · trace` instead of the trace (needs dampening 0). */
  readonly nesterov?: boolean;
}

/** State of {@link trace}. */
export interface TraceState {
  /** Updates seen so far (the first one starts the trace). */
  readonly count: number;
  /** The momentum buffer, shaped like the parameters. */
  readonly trace: Moments;
}

/**
 * Momentum, as PyTorch's SGD keeps it: the trace starts as the first update `g`, then
 * `trace = momentum · trace + (1 − dampening) · g`; the output is the trace, or
 * `g + momentum · trace` with `nesterov`. (Optax's `trace` is the same without
 * dampening.)
 *
 * @example
 * ```ts
 * import { chain, scaleByLearningRate, trace } from '@tapestry/optim';
 * const nesterovSgd = chain(trace({ momentum: 0.9, nesterov: true }), scaleByLearningRate(0.1));
 * ```
 */
export function trace(options: TraceOptions): GradientTransformation<TraceState> {
  return traceLink('trace', options);
}

/** {@link trace} whose errors name `owner` (the optimizer it is part of). */
export function traceLink(owner: string, options: TraceOptions): GradientTransformation<TraceState> {
  const { momentum, dampening = 0, nesterov = false } = options;
  checkHyper(owner, 'momentum', momentum, 'nonNegative');
  checkHyper(owner, 'dampening', dampening, 'unit');
  if (nesterov && (momentum === 0 || dampening !== 0)) throw new ValueError(`${owner}: nesterov needs a non-zero momentum and dampening 0`);
  return {
    init: (params) => Object.freeze({ count: 0, trace: initMoments(owner, params) }),
    update(updates, state, params) {
      const pairs = pairLeaves(owner, updates, params);
      const buffers = momentsByPath(owner, pairs, state.trace);
      const m = hyperAt(owner, 'momentum', momentum, 'nonNegative', state.count);
      const keep = 1 - hyperAt(owner, 'dampening', dampening, 'unit', state.count);
      const first = state.count === 0;
      const traces = new Map<string, Tensor>();
      const out = mapPairs(updates, pairs, ({ path, grad }) => {
        const g = floatData(grad);
        const old = momentData(buffers, path);
        const next = allocLike(grad);
        for (let i = 0; i < next.length; i++) next[i] = first ? g[i] : m * old[i] + keep * g[i];
        traces.set(path, fromStorage(grad.shape, next));
        if (!nesterov) return traces.get(path)!;
        const data = allocLike(grad);
        for (let i = 0; i < data.length; i++) data[i] = g[i] + m * next[i];
        return fromStorage(grad.shape, data);
      });
      return { updates: out, state: Object.freeze({ count: state.count + 1, trace: rebuild(state.trace, (_, path) => traces.get(path)!) }) };
    },
  };
}
