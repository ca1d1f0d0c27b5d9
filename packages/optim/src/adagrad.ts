import type { Tensor } from '@tapestry/core';
import { ValueError, fromStorage } from '@tapestry/core';
import type { Hyper } from './hyper.js';
import { checkHyper, checkRange, hyperAt } from './hyper.js';
import type { FloatArray } from './leaves.js';
import { allocLike, floatData, mapPairs, pairLeaves } from './leaves.js';
import type { Moments } from './moments.js';
import { checkMoments, claimState, initMoments } from './moments.js';
import type { Optimizer } from './optimizer.js';
import { asOptimizer } from './optimizer.js';

/** Settings of {@link adagrad}. Every number except the initial accumulator may be a schedule. */
export interface AdagradOptions {
  /** Learning rate, ≥ 0 (default 1e-2). */
  readonly lr?: Hyper;
  /** Learning-rate decay: step `t` uses `lr / (1 + (t − 1) · lrDecay)`, ≥ 0 (default 0). */
  readonly lrDecay?: Hyper;
  /** L2 penalty added to the gradient, ≥ 0 (default 0). */
  readonly weightDecay?: Hyper;
  /** Starting value of the squared-gradient sum, ≥ 0 (default 0). */
  readonly initialAccumulatorValue?: number;
  /** Added to the root of the sum, ≥ 0 (default 1e-10). */
  readonly eps?: Hyper;
  /** Ascend instead of descend. */
  readonly maximize?: boolean;
}

/** State of {@link adagrad}. */
export interface AdagradState {
  /** Updates applied so far. */
  readonly count: number;
  /** Sum of squared gradients per parameter path (owned by the state, updated in place). */
  readonly sum: Moments;
}

/**
 * Adagrad with PyTorch's semantics: `s += g²`, update `−clr · g / (√s + eps)` with
 * `clr = lr / (1 + (t − 1) · lrDecay)` at step `t = 1, 2, …`.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adagrad } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = adagrad({ lr: 0.1 });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * ```
 */
export function adagrad(options: AdagradOptions = {}): Optimizer<AdagradState> {
  const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false } = options;
  checkHyper('adagrad', 'lr', lr, 'nonNegative');
  checkHyper('adagrad', 'lrDecay', lrDecay, 'nonNegative');
  checkHyper('adagrad', 'weightDecay', weightDecay, 'nonNegative');
  checkHyper('adagrad', 'eps', eps, 'nonNegative');
  checkRange('adagrad', 'initialAccumulatorValue', initialAccumulatorValue, 'nonNegative');
  return asOptimizer<AdagradState>({
    init(params) {
      return { count: 0, sum: initMoments('adagrad', params, initialAccumulatorValue) };
    },
    update(grads, state, params) {
      const step = state.count;
      const pairs = pairLeaves('adagrad', grads, params);
      checkMoments('adagrad', pairs, state.sum);
      const rate = hyperAt('adagrad', 'lr', lr, 'nonNegative', step);
      const clr = rate / (1 + step * hyperAt('adagrad', 'lrDecay', lrDecay, 'nonNegative', step));
      const wd = hyperAt('adagrad', 'weightDecay', weightDecay, 'nonNegative', step);
      const e = hyperAt('adagrad', 'eps', eps, 'nonNegative', step);
      if (wd !== 0 && params === undefined) throw new ValueError('adagrad: weightDecay needs the parameters; pass them to update');
      claimState('adagrad', state);
      const sign = maximize ? -1 : 1;
      const updates = mapPairs(grads, pairs, ({ path, grad, param }) => adagradLeaf(grad, param, state.sum[path], clr, wd, e, sign));
      return { updates, state: { count: step + 1, sum: state.sum } };
    },
  });
}

function adagradLeaf(grad: Tensor, param: Tensor | undefined, sum: Tensor, clr: number, wd: number, eps: number, sign: number): Tensor {
  const out = allocLike(grad);
  const g = floatData(grad);
  const p: FloatArray = param === undefined ? g : floatData(param); // only read when wd ≠ 0
  const s = floatData(sum);
  for (let i = 0; i < out.length; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi += wd * p[i];
    const si = s[i] + gi * gi;
    s[i] = si;
    out[i] = -clr * (gi / (Math.sqrt(si) + eps));
  }
  return fromStorage(grad.shape, out);
}
