import type { Hyper } from './hyper.js';
import type { EmptyState } from './identity.js';
import { identity } from './identity.js';
import type { ScaleByLearningRateState } from './learning-rate.js';
import { learningRateLink } from './learning-rate.js';
import { namedChain } from './chain.js';
import type { Optimizer } from './optimizer.js';
import { scale } from './scale.js';
import type { ScaleByAdamState } from './scale-by-adam.js';
import { adamLink } from './scale-by-adam.js';
import type { AddDecayedWeightsState } from './weight-decay.js';
import { weightDecayLink } from './weight-decay.js';

/** Settings of {@link adam} and {@link adamw}. Every number may also be a schedule of the step count. */
export interface AdamOptions {
  /** Learning rate, ≥ 0 (default 1e-3). */
  readonly lr?: Hyper;
  /** Decay rates of the first and second moment, each in [0, 1) (default [0.9, 0.999]). */
  readonly betas?: readonly [Hyper, Hyper];
  /** Added to the bias-corrected root of the second moment, ≥ 0 (default 1e-8). */
  readonly eps?: Hyper;
  /** Weight decay, ≥ 0: an L2 term in the gradient for `adam` (default 0), decoupled for `adamw` (default 1e-2). */
  readonly weightDecay?: Hyper;
  /** Use the running maximum of the second moment (AMSGrad). */
  readonly amsgrad?: boolean;
  /** Ascend instead of descend. */
  readonly maximize?: boolean;
}

/** State of {@link adam} and {@link adamw}: one entry per link of the chain. */
export interface AdamState {
  /** The sign flip of `maximize` (keeps nothing). */
  readonly ascend: EmptyState;
  /** The weight decay's update count. */
  readonly weightDecay: AddDecayedWeightsState;
  /** Step count and moments. */
  readonly adam: ScaleByAdamState;
  /** The learning rate's update count. */
  readonly lr: ScaleByLearningRateState;
}

/**
 * Adam (Kingma & Ba) with PyTorch's semantics, as a chain of primitives: negate for
 * `maximize`, add the L2 term `weightDecay · p` to the gradient (PyTorch's coupled
 * weight decay — {@link adamw} decouples it), precondition with {@link scaleByAdam},
 * scale by `−lr`.
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
  const { lr = 1e-3, betas, eps, weightDecay = 0, amsgrad, maximize = false } = options;
  return namedChain({
    ascend: maximize ? scale(-1) : identity(),
    weightDecay: weightDecayLink('adam', weightDecay),
    adam: adamLink('adam', { betas, eps, amsgrad }),
    lr: learningRateLink('adam', lr, true),
  });
}
