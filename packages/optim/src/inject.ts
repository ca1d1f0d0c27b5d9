import { Tensor, ValueError } from '@tapestry/core';
import { produce } from 'immer';
import type { Optimizer } from './optimizer.js';
import { asOptimizer } from './optimizer.js';
import type { GradientTransformation } from './transformation.js';

/** Current numeric values of injected hyperparameters, by option name (`lr`, `betas`, …). */
export type HyperValues = Readonly<Record<string, number | readonly number[]>>;

/** State of a transformation made by {@link injectHyperparams}. */
export interface InjectHyperparamsState<S> {
  /** Updates applied so far (the step at which schedules are evaluated). */
  readonly count: number;
  /** The values used by the last update (at init: the values for the first one). */
  readonly hyperparams: HyperValues;
  /** The wrapped transformation's state. */
  readonly inner: S;
}

type HyperLike = number | ((step: number) => number);

function isHyperLike(v: unknown): v is HyperLike | readonly HyperLike[] {
  const one = (x: unknown): boolean => typeof x === 'number' || typeof x === 'function';
  return one(v) || (Array.isArray(v) && v.length > 0 && v.every(one));
}

/**
 * Moves the numeric hyperparameters of a transformation into its state, where they
 * can be read (e.g. the current learning rate, for logging) and changed between steps
 * with {@link setHyperparams} (e.g. to reduce the rate on a plateau). Options given as
 * schedules are re-evaluated at every step and overwrite any change; numbers keep the
 * last value set. The transformation is rebuilt from the current values at each step,
 * so its own validation applies to them.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, injectHyperparams, setHyperparams } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = injectHyperparams(adam)({ lr: 1e-3 });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * state = setHyperparams(state, { lr: 1e-4 }); // from the next step on
 * ```
 */
export function injectHyperparams<O extends object, S>(
  factory: (options: O) => GradientTransformation<S>,
): (options: O) => Optimizer<InjectHyperparamsState<S>> {
  return (options) => {
    factory(options); // validate the options now, not at the first update
    const entries = Object.entries(options).filter(([, v]) => isHyperLike(v)) as [string, HyperLike | readonly HyperLike[]][];
    const evaluate = (stored: HyperValues | undefined, step: number): HyperValues => {
      const at = (h: HyperLike, kept: number | undefined): number => (typeof h === 'function' ? h(step) : (kept ?? h));
      const values: Record<string, number | readonly number[]> = {};
      for (const [key, h] of entries) {
        const kept = stored?.[key];
        values[key] = Array.isArray(h)
          ? h.map((e: HyperLike, i: number) => at(e, Array.isArray(kept) ? kept[i] : undefined))
          : at(h as HyperLike, typeof kept === 'number' ? kept : undefined);
      }
      return values;
    };
    return asOptimizer<InjectHyperparamsState<S>>({
      init(params) {
        return Object.freeze({ count: 0, hyperparams: evaluate(undefined, 0), inner: factory(options).init(params) });
      },
      update(updates, state, params) {
        const hyperparams = evaluate(state.hyperparams, state.count);
        const result = factory({ ...options, ...hyperparams }).update(updates, state.inner, params);
        return { updates: result.updates, state: Object.freeze({ count: state.count + 1, hyperparams, inner: result.state }) };
      },
    });
  };
}

/**
 * Returns a copy of `state` in which every {@link injectHyperparams} state (found
 * anywhere inside chains and wrappers) has the given hyperparameters replaced. The rest
 * of the state, moment buffers included, is shared, not copied. Throws a
 * {@link ValueError} if a name is not an injected hyperparameter anywhere in `state`.
 *
 * @example
 * ```ts
 * import { tensor } from '@tapestry/core';
 * import { adam, chain, clipByGlobalNorm, injectHyperparams, setHyperparams } from '@tapestry/optim';
 * const opt = chain(clipByGlobalNorm(5), injectHyperparams(adam)({ lr: 1e-3 }));
 * let state = opt.init({ w: tensor([1, 2]) });
 * state = setHyperparams(state, { lr: 5e-4 });
 * state[1].hyperparams.lr; // 5e-4
 * ```
 */
export function setHyperparams<T>(state: T, values: HyperValues): T {
  const used = new Set<string>();
  const next = produce(state, (draft) => {
    visit(draft, (hyperparams) => {
      for (const [key, value] of Object.entries(values)) {
        if (!(key in hyperparams)) continue;
        hyperparams[key] = Array.isArray(value) ? [...value] : value;
        used.add(key);
      }
    });
  });
  const unknown = Object.keys(values).find((k) => !used.has(k));
  if (unknown !== undefined) throw new ValueError(`setHyperparams: '${unknown}' is not an injected hyperparameter of this state`);
  return next;
}

/** Calls `patch` on the `hyperparams` record of every injected state under `node`. */
function visit(node: unknown, patch: (hyperparams: Record<string, unknown>) => void): void {
  if (node === null || typeof node !== 'object' || node instanceof Tensor) return;
  const record = node as Record<string, unknown>;
  if ('hyperparams' in record && 'inner' in record && typeof record.hyperparams === 'object' && record.hyperparams !== null) {
    patch(record.hyperparams as Record<string, unknown>);
  }
  for (const child of Object.values(record)) visit(child, patch);
}
