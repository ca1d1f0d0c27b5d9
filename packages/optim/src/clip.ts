import { Tensor, flatten, fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, checkRange, hyperAt } from './hyper.js';
import { allocLike, floatData, mapPairs, pairLeaves, scaleAddByBackend } from './leaves.js';
import type { GradientTransformation } from './transformation.js';

/** State of {@link clipByGlobalNorm}. */
export interface ClipByGlobalNormState {
  /** Updates seen so far. */
  readonly count: number;
  /**
   * The global L2 norm of the last incoming gradients, measured *before* clipping
   * (NaN until the first update), for plotting. Read it with {@link lastGradNorm}.
   */
  readonly lastNorm: number;
}

/** Options of {@link clipByGlobalNorm}. */
export interface ClipByGlobalNormOptions {
  /** Added to the norm in the scale `maxNorm / (norm + eps)`, ≥ 0 (default 1e-6, as PyTorch). */
  readonly eps?: number;
}

/**
 * The L2 norm of all leaves of a tree taken together, as if they were concatenated:
 * `√(Σ over tensors Σ g²)`, accumulated in float64.
 *
 * @example
 * ```ts
 * import { tensor } from '@tapestry/core';
 * import { globalNorm } from '@tapestry/optim';
 * globalNorm({ w: tensor([[3, 4]]), b: [tensor([12])] }); // 13 = √(9 + 16 + 144)
 * ```
 */
export function globalNorm(tree: unknown): number {
  let sum = 0;
  for (const { leaf } of flatten(tree)) sum += sumOfSquares(leaf.data);
  return Math.sqrt(sum);
}

/** Σ x², with four running sums: one sum is bound by the latency of its additions. */
function sumOfSquares(d: ArrayLike<number>): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = d.length - (d.length % 4);
  for (let i = 0; i < n; i += 4) {
    s0 += d[i] * d[i];
    s1 += d[i + 1] * d[i + 1];
    s2 += d[i + 2] * d[i + 2];
    s3 += d[i + 3] * d[i + 3];
  }
  for (let i = n; i < d.length; i++) s0 += d[i] * d[i];
  return s0 + s1 + (s2 + s3);
}

/**
 * Scales the updates so that their global L2 norm is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_`: `coef = maxNorm / (norm + 1e-6)`, and every leaf is multiplied by
 * `min(coef, 1)` (unclipped updates pass through as the same tensors). The pre-clip
 * norm is kept in the state as `lastNorm`.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, chain, clipByGlobalNorm, lastGradNorm } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = chain(clipByGlobalNorm(5), adam({ lr: 2e-3 }));
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * lastGradNorm(state); // 9.9 = √98, the norm of the gradients before clipping
 * ```
 */
export function clipByGlobalNorm(maxNorm: Hyper, options: ClipByGlobalNormOptions = {}): GradientTransformation<ClipByGlobalNormState> {
  const { eps = 1e-6 } = options;
  checkHyper('clipByGlobalNorm', 'maxNorm', maxNorm, 'nonNegative');
  checkRange('clipByGlobalNorm', 'eps', eps, 'nonNegative');
  return {
    init() {
      return Object.freeze({ count: 0, lastNorm: Number.NaN });
    },
    update(updates, state, params) {
      const pairs = pairLeaves('clipByGlobalNorm', updates, params);
      const limit = hyperAt('clipByGlobalNorm', 'maxNorm', maxNorm, 'nonNegative', state.count);
      const norm = globalNorm(updates);
      const coef = limit / (norm + eps);
      const next = Object.freeze({ count: state.count + 1, lastNorm: norm });
      // Multiplying by min(coef, 1) = 1 changes nothing, so skip the copy. A NaN norm
      // fails `coef < 1` and passes the (non-finite) updates through for a guard to see.
      if (!(coef < 1)) return { updates, state: next };
      return { updates: mapPairs(updates, pairs, ({ grad }) => scaled(grad, coef)), state: next };
    },
  };
}

function scaled(t: Tensor, factor: number): Tensor {
  const out = allocLike(t);
  const d = floatData(t);
  if (scaleAddByBackend(d, factor, undefined, out)) return fromStorage(t.shape, out);
  for (let i = 0; i < out.length; i++) out[i] = d[i] * factor;
  return fromStorage(t.shape, out);
}

/** State of {@link clipByValue}. */
export interface ClipByValueState {
  /** Updates seen so far. */
  readonly count: number;
}

/**
 * Clamps every element of the updates to `[−limit, limit]` (PyTorch's
 * `clip_grad_value_`). NaN elements stay NaN.
 *
 * @example
 * ```ts
 * import { chain, clipByValue, sgd } from '@tapestry/optim';
 * const opt = chain(clipByValue(1), sgd({ lr: 0.1 }));
 * ```
 */
export function clipByValue(limit: Hyper): GradientTransformation<ClipByValueState> {
  checkHyper('clipByValue', 'limit', limit, 'nonNegative');
  return {
    init() {
      return Object.freeze({ count: 0 });
    },
    update(updates, state, params) {
      const pairs = pairLeaves('clipByValue', updates, params);
      const c = hyperAt('clipByValue', 'limit', limit, 'nonNegative', state.count);
      const out = mapPairs(updates, pairs, ({ grad }) => clamped(grad, c));
      return { updates: out, state: Object.freeze({ count: state.count + 1 }) };
    },
  };
}

function clamped(t: Tensor, limit: number): Tensor {
  const out = allocLike(t);
  const d = floatData(t);
  for (let i = 0; i < out.length; i++) {
    const x = d[i];
    out[i] = x > limit ? limit : x < -limit ? -limit : x;
  }
  return fromStorage(t.shape, out);
}

/**
 * The pre-clip gradient norm recorded by the first {@link clipByGlobalNorm} found in
 * an optimizer state (searched depth-first through chains and wrappers), or
 * `undefined` if the state has none. NaN before the first update.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, applyIfFinite, chain, clipByGlobalNorm, lastGradNorm } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = applyIfFinite(chain(clipByGlobalNorm(5), adam({ lr: 1e-3 })));
 * let state = opt.init(params);
 * lastGradNorm(state); // NaN: no update yet
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * lastGradNorm(state); // 9.9, found inside applyIfFinite and chain
 * ```
 */
export function lastGradNorm(state: unknown): number | undefined {
  if (state === null || typeof state !== 'object' || state instanceof Tensor) return undefined;
  const record = state as Record<string, unknown>;
  if (typeof record.lastNorm === 'number') return record.lastNorm;
  for (const child of Object.values(record)) {
    const found = lastGradNorm(child);
    if (found !== undefined) return found;
  }
  return undefined;
}
