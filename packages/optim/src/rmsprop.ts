import type { Hyper } from './hyper.js';
import type { EmptyState } from './identity.js';
import { identity } from './identity.js';
import type { ScaleByLearningRateState } from './learning-rate.js';
import { learningRateLink } from './learning-rate.js';
import { namedChain } from './chain.js';
import type { Optimizer } from './optimizer.js';
import { scale } from './scale.js';
import type { ScaleByRmsState } from './scale-by-rms.js';
import { rmsLink } from './scale-by-rms.js';
import type { TraceState } from './trace.js';
import { traceLink } from './trace.js';
import type { AddDecayedWeightsState } from './weight-decay.js';
import { weightDecayLink } from './weight-decay.js';

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

/** State of {@link rmsprop}: one entry per link of the chain. */
export interface RmspropState {
  /** The sign flip of `maximize` (keeps nothing). */
  readonly ascend: EmptyState;
  /** The L2 term's update count. */
  readonly weightDecay: AddDecayedWeightsState;
  /** The averages of `g²` (and `g` when centered). */
  readonly rms: ScaleByRmsState;
  /** The momentum buffer (empty without momentum). */
  readonly momentum: TraceState | EmptyState;
  /** The learning rate's update count. */
  readonly lr: ScaleByLearningRateState;
}

/**
 * RMSprop with PyTorch's semantics, as a chain: negate for `maximize`, add the L2 term,
 * divide by the root mean square ({@link scaleByRms}, centered optional), take momentum
 * on the result ({@link trace}), scale by `−lr` — PyTorch applies the learning rate
 * after the momentum buffer (Optax before it), which differs once `lr` is scheduled.
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
  const { lr = 1e-2, alpha, eps, weightDecay = 0, momentum = 0, centered, maximize = false } = options;
  return namedChain({
    ascend: maximize ? scale(-1) : identity(),
    weightDecay: weightDecayLink('rmsprop', weightDecay),
    rms: rmsLink('rmsprop', { alpha, eps, centered }),
    momentum: momentum === 0 ? identity() : traceLink('rmsprop', { momentum }),
    lr: learningRateLink('rmsprop', lr, true),
  });
}

