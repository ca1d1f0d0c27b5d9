import type { Tensor } from '@tapestry/core';
import { ValueError, fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, hyperAt } from './hyper.js';
import type { FloatArray } from './leaves.js';
import { allocLike, floatData, mapPairs, pairLeaves } from './leaves.js';
import type { Moments } from './moments.js';
import { checkMoments, claimState, initMoments, noMoments } from './moments.js';
import type { Optimizer } from './optimizer.js';
import { asOptimizer } from './optimizer.js';

/** Settings of {@link adam} and {@link adamw}. Every number may also be a schedule of the step count. */
export interface AdamOptions {
  /** Learning rate, ≥ 0 (default 1e-3). */
  readonly lr?: Hyper;
  /** Decay rates of the first and second moment, each in [0, 1) (default [0.9, 0.999]). */
  readonly betas?: readonly [Hyper, Hyper];
  /** Added to the bias-corrected root of the second moment, ≥ 0 (default 1e-8). */
  readonly eps?: Hyper;
  /** Weight decay, ≥ 0: an L2 term in the gradient for `adam`, decoupled for `adamw`. */
  readonly weightDecay?: Hyper;
  /** Use the running maximum of the second moment (AMSGrad). */
  readonly amsgrad?: boolean;
  /** Ascend instead of descend. */
  readonly maximize?: boolean;
}

/** State of {@link adam} / {@link adamw}. */
export interface AdamState {
  /** Updates applied so far; the bias correction uses `t = count + 1`. */
  readonly count: number;
  /** First moment per parameter path (owned by the state, updated in place). */
  readonly mu: Moments;
  /** Second moment per parameter path (owned, updated in place). */
  readonly nu: Moments;
  /** Running maximum of `nu` with `amsgrad`; empty otherwise. */
  readonly nuMax: Moments;
}

interface AdamCoefficients {
  readonly stepSize: number; // lr / (1 − β1^t)
  readonly b1: number;
  readonly b2: number;
  readonly bc2: number; // 1 − β2^t
  readonly eps: number;
  readonly l2: number; // weight decay folded into the gradient (adam)
  readonly decay: number; // lr * weight decay applied to the parameter (adamw)
  readonly sign: number;
}

/**
 * Adam (Kingma & Ba) with PyTorch's semantics; `weightDecay` is an L2 term added to
 * the gradient. For step `t = 1, 2, …`: `m = β1 m + (1 − β1) g`,
 * `v = β2 v + (1 − β2) g²`, update `−lr (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + eps)`.
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
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  return adamFamily('adam', options, false);
}

/** Shared by `adam` and `adamw`; `decoupled` selects where the weight decay goes. */
export function adamFamily(owner: string, options: AdamOptions, decoupled: boolean): Optimizer<AdamState> {
  const { lr = 1e-3, eps = 1e-8, amsgrad = false, maximize = false } = options;
  const weightDecay = options.weightDecay ?? (decoupled ? 1e-2 : 0);
  const betas = options.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(`${owner}: betas must be a pair [beta1, beta2]`);
  checkHyper(owner, 'lr', lr, 'nonNegative');
  checkHyper(owner, 'betas[0]', betas[0], 'beta');
  checkHyper(owner, 'betas[1]', betas[1], 'beta');
  checkHyper(owner, 'eps', eps, 'nonNegative');
  checkHyper(owner, 'weightDecay', weightDecay, 'nonNegative');
  const coefficients = (step: number): AdamCoefficients => {
    const t = step + 1;
    const rate = hyperAt(owner, 'lr', lr, 'nonNegative', step);
    const b1 = hyperAt(owner, 'betas[0]', betas[0], 'beta', step);
    const b2 = hyperAt(owner, 'betas[1]', betas[1], 'beta', step);
    const wd = hyperAt(owner, 'weightDecay', weightDecay, 'nonNegative', step);
    const sign = maximize ? -1 : 1;
    const e = hyperAt(owner, 'eps', eps, 'nonNegative', step);
    return { stepSize: rate / (1 - b1 ** t), b1, b2, bc2: 1 - b2 ** t, eps: e, l2: decoupled ? 0 : wd, decay: decoupled ? rate * wd : 0, sign };
  };
  return asOptimizer<AdamState>({
    init(params) {
      const nuMax = amsgrad ? initMoments(owner, params) : noMoments;
      return { count: 0, mu: initMoments(owner, params), nu: initMoments(owner, params), nuMax };
    },
    update(grads, state, params) {
      const pairs = pairLeaves(owner, grads, params);
      checkMoments(owner, pairs, state.mu);
      const c = coefficients(state.count);
      if ((c.l2 !== 0 || c.decay !== 0) && params === undefined) {
        throw new ValueError(`${owner}: weightDecay needs the parameters; pass them to update`);
      }
      claimState(owner, state);
      const updates = mapPairs(grads, pairs, ({ path, grad, param }) =>
        adamLeaf(grad, param, state.mu[path], state.nu[path], amsgrad ? state.nuMax[path] : undefined, c),
      );
      return { updates, state: { count: state.count + 1, mu: state.mu, nu: state.nu, nuMax: state.nuMax } };
    },
  });
}

function adamLeaf(grad: Tensor, param: Tensor | undefined, mu: Tensor, nu: Tensor, nuMax: Tensor | undefined, c: AdamCoefficients): Tensor {
  const out = allocLike(grad);
  const g = floatData(grad);
  const p: FloatArray = param === undefined ? g : floatData(param); // only read when weight decay ≠ 0
  const m = floatData(mu);
  const v = floatData(nu);
  const vmax: FloatArray | undefined = nuMax === undefined ? undefined : floatData(nuMax);
  const { stepSize, b1, b2, bc2, eps, l2, decay, sign } = c;
  for (let i = 0; i < out.length; i++) {
    let gi = sign * g[i];
    if (l2 !== 0) gi += l2 * p[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    let vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    if (vmax !== undefined) vi = vmax[i] = Math.max(vmax[i], vi);
    // eps after the bias-corrected square root, as in PyTorch.
    const u = -stepSize * mi / (Math.sqrt(vi / bc2) + eps);
    out[i] = decay === 0 ? u : u - decay * p[i];
  }
  return fromStorage(grad.shape, out);
}
