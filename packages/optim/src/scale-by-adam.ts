import type { Tensor } from '@tapestry/core';
import { ValueError, backend, fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, hyperAt } from './hyper.js';
import { type FloatArray, allocLike, floatData, mapPairs, pairLeaves, sameKind } from './leaves.js';
import type { Moments } from './moments.js';
import { initMoments, momentData, momentsByPath, rebuild } from './moments.js';
import type { GradientTransformation } from './transformation.js';

/** Options of {@link scaleByAdam}. Numbers may also be schedules of the step count. */
export interface ScaleByAdamOptions {
  /** Decay rates of the first and second moment, each in [0, 1) (default [0.9, 0.999]). */
  readonly betas?: readonly [Hyper, Hyper];
  /** Added to the bias-corrected root of the second moment, ≥ 0 (default 1e-8). */
  readonly eps?: Hyper;
  /** Divide by the running maximum of the second moment (AMSGrad). */
  readonly amsgrad?: boolean;
}

/** State of {@link scaleByAdam}. */
export interface ScaleByAdamState {
  /** Updates seen so far; the bias correction uses `t = count + 1`. */
  readonly count: number;
  /** First moment, shaped like the parameters. */
  readonly mu: Moments;
  /** Second moment (≥ 0), shaped like the parameters. */
  readonly nu: Moments;
  /** Running maximum of `nu`, with `amsgrad` only. */
  readonly nuMax?: Moments;
}

/**
 * Adam's preconditioner (Kingma & Ba), as PyTorch computes it: at step `t = 1, 2, …`,
 * `m = β1 m + (1 − β1) g`, `v = β2 v + (1 − β2) g²`, output
 * `(m / (1 − β1^t)) / (√v / √(1 − β2^t) + eps)` — `eps` outside the root. With
 * `amsgrad`, `v` in the denominator is the running maximum of the raw `v` (PyTorch's
 * rule; Optax takes the maximum of the bias-corrected one). Follow it with
 * {@link scaleByLearningRate}; `adam` is that chain.
 *
 * @example
 * ```ts
 * import { chain, scaleByAdam, scaleByLearningRate } from '@tapestry/optim';
 * const amsgrad = chain(scaleByAdam({ betas: [0.9, 0.99], amsgrad: true }), scaleByLearningRate(1e-3));
 * ```
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  return adamLink('scaleByAdam', options);
}

/** {@link scaleByAdam} whose errors name `owner` (the optimizer it is part of). */
export function adamLink(owner: string, options: ScaleByAdamOptions): GradientTransformation<ScaleByAdamState> {
  const { eps = 1e-8, amsgrad = false } = options;
  const betas = options.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(`${owner}: betas must be a pair [beta1, beta2]`);
  checkHyper(owner, 'betas[0]', betas[0], 'beta');
  checkHyper(owner, 'betas[1]', betas[1], 'beta');
  checkHyper(owner, 'eps', eps, 'nonNegative');
  return {
    init(params) {
      const moments = { count: 0, mu: initMoments(owner, params), nu: initMoments(owner, params) };
      return Object.freeze(amsgrad ? { ...moments, nuMax: initMoments(owner, params) } : moments);
    },
    update(updates, state, params) {
      const pairs = pairLeaves(owner, updates, params);
      const mu = momentsByPath(owner, pairs, state.mu);
      const nu = momentsByPath(owner, pairs, state.nu);
      const nuMax = amsgrad ? momentsByPath(owner, pairs, state.nuMax ?? {}) : undefined;
      const step = state.count;
      const t = step + 1;
      const b1 = hyperAt(owner, 'betas[0]', betas[0], 'beta', step);
      const b2 = hyperAt(owner, 'betas[1]', betas[1], 'beta', step);
      const c = { b1, b2, bc1: 1 - b1 ** t, sqrtBc2: Math.sqrt(1 - b2 ** t), eps: hyperAt(owner, 'eps', eps, 'nonNegative', step) };
      const next = { mu: new Map<string, Tensor>(), nu: new Map<string, Tensor>(), nuMax: new Map<string, Tensor>() };
      const out = mapPairs(updates, pairs, ({ path, grad }) => {
        const [u, m, v, vMax] = adamLeaf(grad, momentData(mu, path), momentData(nu, path), nuMax && momentData(nuMax, path), c);
        next.mu.set(path, m);
        next.nu.set(path, v);
        if (vMax !== undefined) next.nuMax.set(path, vMax);
        return u;
      });
      const moments = { count: t, mu: rebuild(state.mu, (_, p) => next.mu.get(p)!), nu: rebuild(state.nu, (_, p) => next.nu.get(p)!) };
      return { updates: out, state: Object.freeze(amsgrad ? { ...moments, nuMax: rebuild(state.nuMax, (_, p) => next.nuMax.get(p)!) } : moments) };
    },
  };
}

interface AdamCoefficients {
  readonly b1: number;
  readonly b2: number;
  readonly bc1: number; // 1 − β1^t
  readonly sqrtBc2: number; // √(1 − β2^t)
  readonly eps: number;
}

/** One leaf: the direction and the new moments, each a fresh tensor. */
function adamLeaf(
  grad: Tensor,
  m: FloatArray,
  v: FloatArray,
  vMax: FloatArray | undefined,
  c: AdamCoefficients,
): [Tensor, Tensor, Tensor, Tensor | undefined] {
  const g = floatData(grad);
  const out = allocLike(grad);
  const mNext = allocLike(grad);
  const vNext = allocLike(grad);
  const vMaxNext = vMax === undefined ? undefined : allocLike(grad);
  const shape = grad.shape;
  const result = (): [Tensor, Tensor, Tensor, Tensor | undefined] => [
    fromStorage(shape, out),
    fromStorage(shape, mNext),
    fromStorage(shape, vNext),
    vMaxNext && fromStorage(shape, vMaxNext),
  ];
  const kernel = backend().adamStep;
  if (kernel !== undefined && sameKind(g, m) && sameKind(g, v) && (vMax === undefined || sameKind(g, vMax))) {
    // The backend's kernel computes this loop's arithmetic, bit for bit (see Backend.adamStep).
    kernel({ g, m, v, vMax, out, mNext, vNext, vMaxNext }, c);
    return result();
  }
  const { b1, b2, bc1, sqrtBc2, eps } = c;
  for (let i = 0; i < out.length; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    let vi = b2 * v[i] + (1 - b2) * gi * gi;
    mNext[i] = mi;
    vNext[i] = vi;
    if (vMaxNext !== undefined) vi = vMaxNext[i] = Math.max(vMax![i], vi);
    out[i] = mi / bc1 / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
  return result();
}
