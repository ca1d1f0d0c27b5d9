import type { Hyper } from './hyper.js';
import type { EmptyState } from './identity.js';
import { identity } from './identity.js';
import type { ScaleByLearningRateState } from './learning-rate.js';
import { learningRateLink } from './learning-rate.js';
import { namedChain } from './chain.js';
import type { Optimizer } from './optimizer.js';
import { scale } from './scale.js';
import type { TraceState } from './trace.js';
import { traceLink } from './trace.js';
import type { AddDecayedWeightsState } from './weight-decay.js';
import { weightDecayLink } from './weight-decay.js';

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

/** State of {@link sgd}: one entry per link of its chain. */
export interface SgdState {
  /** The sign flip of `maximize` (keeps nothing). */
  readonly ascend: EmptyState;
  /** The L2 term's update count. */
  readonly weightDecay: AddDecayedWeightsState;
  /** The momentum buffer (empty without momentum). */
  readonly momentum: TraceState | EmptyState;
  /** The learning rate's update count. */
  readonly lr: ScaleByLearningRateState;
}

/**
 * Stochastic gradient descent with PyTorch's semantics, as a chain of primitives:
 * negate for `maximize`, add the L2 term `weightDecay · p`, take momentum
 * ({@link trace}: the buffer starts at `g`, then `momentum · buf + (1 − dampening) · g`,
 * Nesterov optional), scale by `−lr`.
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
  return namedChain({
    ascend: maximize ? scale(-1) : identity(),
    weightDecay: weightDecayLink('sgd', weightDecay),
    momentum: momentum === 0 && !nesterov ? identity() : traceLink('sgd', { momentum, dampening, nesterov }),
    lr: learningRateLink('sgd', lr, true),
  });
}
