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

/** Settings of {@link sgd}. Every number may also be a schedule of the step count. */
export interface SgdOptions {
  /** Learning rate, ≥ 0. */
  readonly lr: Hyper;
  /** Momentum factor, ≥ 0 (default 0: plain SGD, no buffer is kept). */
  readonly momentum?: Hyper;
  /** Dampening of the gradient added to the momentum buffer, in [0, 1] (default 0). */
  readonly dampening?: Hyper;
  /** L2 penalty added to the gradient as `weightDecay * p`, ≥ 0 (default 0). */
  readonly weightDecay?: Hyper;
  /** Nesterov momentum (needs momentum and zero dampening). */
  readonly nesterov?: boolean;
  /** Ascend instead of descend. */
  readonly maximize?: boolean;
}

/** State of {@link sgd}: the update count and the momentum buffers (empty without momentum). */
export interface SgdState {
  /** Updates applied so far. */
  readonly count: number;
  /** One buffer per parameter path, owned by the state and updated in place. */
  readonly momentumBuffer: Moments;
}

interface SgdCoefficients {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly sign: number;
  readonly first: boolean;
}

/**
 * Stochastic gradient descent with PyTorch's semantics: `g += weightDecay * p`; with
 * momentum `buf = g` on the first step, then `buf = momentum * buf + (1 − dampening) * g`,
 * and `g = g + momentum * buf` (Nesterov) or `g = buf`; the update is `−lr * g`.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { sgd } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = sgd({ lr: 0.1, momentum: 0.9, nesterov: true });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * ```
 */
export function sgd(options: SgdOptions): Optimizer<SgdState> {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
  checkHyper('sgd', 'lr', lr, 'nonNegative');
  checkHyper('sgd', 'momentum', momentum, 'nonNegative');
  checkHyper('sgd', 'dampening', dampening, 'unit');
  checkHyper('sgd', 'weightDecay', weightDecay, 'nonNegative');
  const hasMomentum = momentum !== 0;
  if (nesterov && (!hasMomentum || dampening !== 0)) {
    throw new ValueError('sgd: nesterov needs a non-zero momentum and dampening 0');
  }
  return asOptimizer<SgdState>({
    init(params) {
      return { count: 0, momentumBuffer: hasMomentum ? initMoments('sgd', params) : noMoments };
    },
    update(grads, state, params) {
      const step = state.count;
      const pairs = pairLeaves('sgd', grads, params);
      if (hasMomentum) checkMoments('sgd', pairs, state.momentumBuffer);
      const c: SgdCoefficients = {
        lr: hyperAt('sgd', 'lr', lr, 'nonNegative', step),
        momentum: hyperAt('sgd', 'momentum', momentum, 'nonNegative', step),
        dampening: hyperAt('sgd', 'dampening', dampening, 'unit', step),
        weightDecay: hyperAt('sgd', 'weightDecay', weightDecay, 'nonNegative', step),
        nesterov,
        sign: maximize ? -1 : 1,
        first: step === 0,
      };
      if (c.weightDecay !== 0 && params === undefined) throw new ValueError('sgd: weightDecay needs the parameters; pass them to update');
      claimState('sgd', state);
      const updates = mapPairs(grads, pairs, ({ path, grad, param }) =>
        sgdLeaf(grad, param, hasMomentum ? state.momentumBuffer[path] : undefined, c),
      );
      return { updates, state: { count: step + 1, momentumBuffer: state.momentumBuffer } };
    },
  });
}

function sgdLeaf(grad: Tensor, param: Tensor | undefined, buffer: Tensor | undefined, c: SgdCoefficients): Tensor {
  const out = allocLike(grad);
  const g = floatData(grad);
  const p: FloatArray = param === undefined ? g : floatData(param); // only read when weightDecay ≠ 0
  const buf: FloatArray | undefined = buffer === undefined ? undefined : floatData(buffer);
  const { lr, momentum, dampening, weightDecay, nesterov, sign, first } = c;
  for (let i = 0; i < out.length; i++) {
    let gi = sign * g[i];
    if (weightDecay !== 0) gi += weightDecay * p[i];
    if (buf !== undefined) {
      const b = first ? gi : momentum * buf[i] + (1 - dampening) * gi;
      buf[i] = b;
      gi = nesterov ? gi + momentum * b : b;
    }
    out[i] = -lr * gi;
  }
  return fromStorage(grad.shape, out);
}
