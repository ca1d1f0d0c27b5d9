import { ValueError } from '@tapestry/core';
import type { Optimizer } from './optimizer.js';
import { asOptimizer } from './optimizer.js';
import type { GradientTransformation, StateOf } from './transformation.js';

/** The state of `chain(a, b, …)`: the tuple of the parts' states, in order. */
export type ChainState<T extends readonly GradientTransformation<unknown>[]> = { readonly [K in keyof T]: StateOf<T[K]> };

/** The state of `namedChain({ clip, adam })`: the parts' states under the same names. */
export type NamedChainState<T extends Readonly<Record<string, GradientTransformation<unknown>>>> = {
  readonly [K in keyof T]: StateOf<T[K]>;
};

/**
 * Composes transformations left to right: the updates of each are the input of the
 * next. The state is the tuple of their states (`state[0]`, `state[1]`, …); use
 * {@link namedChain} to address them by name instead.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, chain, clipByGlobalNorm } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = chain(clipByGlobalNorm(5), adam({ lr: 2e-3 }));
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * state[0].lastNorm; // 9.9: the gradient norm before clipping
 * ```
 */
export function chain<T extends readonly GradientTransformation<unknown>[]>(...transformations: T): Optimizer<ChainState<T>> {
  const parts = transformations.map((tx, i) => [String(i), tx] as const);
  return asOptimizer(composed('chain', parts, (states) => Object.freeze(states)) as GradientTransformation<ChainState<T>>);
}

/**
 * Like {@link chain}, but the parts are named and so are their states, which reads
 * better in logs and in checkpoint names (`adam.mu.fc.weight`). Parts run in the
 * object's key order (JavaScript lists integer-like keys first, so use names).
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, clipByGlobalNorm, namedChain } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = namedChain({ clip: clipByGlobalNorm(5), adam: adam({ lr: 2e-3 }) });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * state.clip.lastNorm; // 9.9
 * ```
 */
export function namedChain<T extends Readonly<Record<string, GradientTransformation<unknown>>>>(
  transformations: T,
): Optimizer<NamedChainState<T>> {
  const parts = Object.entries(transformations);
  const build = (states: unknown[]): unknown => Object.freeze(Object.fromEntries(parts.map(([name], i) => [name, states[i]])));
  return asOptimizer(composed('namedChain', parts, build) as GradientTransformation<NamedChainState<T>>);
}

type Part = readonly [string, GradientTransformation<unknown>];

/**
 * The shared loop of both chains; `build` packs the parts' states (tuple or record).
 * No link writes anything, so a link that throws leaves the caller's state as it was:
 * a chain is transactional by construction.
 */
function composed(owner: string, parts: readonly Part[], build: (states: unknown[]) => unknown): GradientTransformation<unknown> {
  return {
    init(params) {
      return build(parts.map(([, tx]) => tx.init(params)));
    },
    update(updates, state, params) {
      const states = unpack(owner, parts, state);
      const next: unknown[] = [];
      let current = updates;
      for (let i = 0; i < parts.length; i++) {
        const result = parts[i][1].update(current, states[i], params);
        current = result.updates;
        next.push(result.state);
      }
      return { updates: current, state: build(next) };
    },
  };
}

function unpack(owner: string, parts: readonly Part[], state: unknown): unknown[] {
  if (state === null || typeof state !== 'object') throw new ValueError(`${owner}: the state is not one this chain's init made`);
  const record = state as Record<string, unknown>;
  if (Object.keys(record).length !== parts.length) {
    throw new ValueError(`${owner}: the state has ${Object.keys(record).length} entries for ${parts.length} transformations; was it made by this chain's init?`);
  }
  return parts.map(([name]) => {
    if (!(name in record)) throw new ValueError(`${owner}: the state has no entry '${name}'; was it made by this chain's init?`);
    return record[name];
  });
}
