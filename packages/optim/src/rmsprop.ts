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

/** Settings of {@link rmsprop}. Every number may also be a schedule of the step count. */
export interface RmspropOptions {
  /** Learning rate, ≥ 0 (default 1e-2). */
  readonly lr?: Hyper;
  /** Smoothing constant of the squared-gradient average, in [0, 1) (default 0.99). */
  readonly alpha?: Hyper;
  /** Added to the root of the average, ≥ 0 (default 1e-8). */
  readonly eps?: Hyper;
  /** L2 penalty added to the gradient, ≥ 0 (default 0). */
  readonly weightDecay?: Hyper;
  /** Momentum factor, ≥ 0 (default 0: no buffer is kept). */
  readonly momentum?: Hyper;
  /** Normalise by the variance estimate `E[g²] − E[g]²` instead of `E[g²]`. */
  readonly centered?: boolean;
  /** Ascend instead of descend. */
  readonly maximize?: boolean;
}

/** State of {@link rmsprop}. Buffers are owned by the state and updated in place. */
export interface RmspropState {
  /** Updates applied so far. */
  readonly count: number;
  /** Running average of `g²` per parameter path. */
  readonly squareAvg: Moments;
  /** Running average of `g` (only when `centered`). */
  readonly gradAvg: Moments;
  /** Momentum buffer (only when `momentum` ≠ 0). */
  readonly momentumBuffer: Moments;
}

interface RmspropCoefficients {
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly sign: number;
}

/**
 * RMSprop with PyTorch's semantics: `s = α s + (1 − α) g²`; with `centered`,
 * `a = α a + (1 − α) g` and the denominator `√(s − a²) + eps`, else `√s + eps`; with
 * momentum `buf = momentum · buf + g / denom` and update `−lr · buf`, else `−lr · g / denom`.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { rmsprop } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = rmsprop({ lr: 1e-3, momentum: 0.9, centered: true });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * ```
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer<RmspropState> {
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = options;
  checkHyper('rmsprop', 'lr', lr, 'nonNegative');
  checkHyper('rmsprop', 'alpha', alpha, 'beta');
  checkHyper('rmsprop', 'eps', eps, 'nonNegative');
  checkHyper('rmsprop', 'weightDecay', weightDecay, 'nonNegative');
  checkHyper('rmsprop', 'momentum', momentum, 'nonNegative');
  const hasMomentum = momentum !== 0;
  return asOptimizer<RmspropState>({
    init(params) {
      return {
        count: 0,
        squareAvg: initMoments('rmsprop', params),
        gradAvg: centered ? initMoments('rmsprop', params) : noMoments,
        momentumBuffer: hasMomentum ? initMoments('rmsprop', params) : noMoments,
      };
    },
    update(grads, state, params) {
      const step = state.count;
      const pairs = pairLeaves('rmsprop', grads, params);
      checkMoments('rmsprop', pairs, state.squareAvg);
      const c: RmspropCoefficients = {
        lr: hyperAt('rmsprop', 'lr', lr, 'nonNegative', step),
        alpha: hyperAt('rmsprop', 'alpha', alpha, 'beta', step),
        eps: hyperAt('rmsprop', 'eps', eps, 'nonNegative', step),
        weightDecay: hyperAt('rmsprop', 'weightDecay', weightDecay, 'nonNegative', step),
        momentum: hyperAt('rmsprop', 'momentum', momentum, 'nonNegative', step),
        sign: maximize ? -1 : 1,
      };
      if (c.weightDecay !== 0 && params === undefined) throw new ValueError('rmsprop: weightDecay needs the parameters; pass them to update');
      claimState('rmsprop', state);
      const updates = mapPairs(grads, pairs, ({ path, grad, param }) =>
        rmspropLeaf(
          grad,
          param,
          state.squareAvg[path],
          centered ? state.gradAvg[path] : undefined,
          hasMomentum ? state.momentumBuffer[path] : undefined,
          c,
        ),
      );
      return { updates, state: { ...state, count: step + 1 } };
    },
  });
}

function rmspropLeaf(
  grad: Tensor,
  param: Tensor | undefined,
  squareAvg: Tensor,
  gradAvg: Tensor | undefined,
  buffer: Tensor | undefined,
  c: RmspropCoefficients,
): Tensor {
  const out = allocLike(grad);
  const g = floatData(grad);
  const p: FloatArray = param === undefined ? g : floatData(param); // only read when weightDecay ≠ 0
  const s = floatData(squareAvg);
  const a: FloatArray | undefined = gradAvg === undefined ? undefined : floatData(gradAvg);
  const buf: FloatArray | undefined = buffer === undefined ? undefined : floatData(buffer);
  const { lr, alpha, eps, weightDecay, momentum, sign } = c;
  for (let i = 0; i < out.length; i++) {
    let gi = sign * g[i];
    if (weightDecay !== 0) gi += weightDecay * p[i];
    const si = alpha * s[i] + (1 - alpha) * gi * gi;
    s[i] = si;
    let denom: number;
    if (a !== undefined) {
      const ai = alpha * a[i] + (1 - alpha) * gi;
      a[i] = ai;
      denom = Math.sqrt(si - ai * ai) + eps;
    } else {
      denom = Math.sqrt(si) + eps;
    }
    if (buf !== undefined) {
      const b = momentum * buf[i] + gi / denom;
      buf[i] = b;
      out[i] = -lr * b;
    } else {
      out[i] = -lr * (gi / denom);
    }
  }
  return fromStorage(grad.shape, out);
}
