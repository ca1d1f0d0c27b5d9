import type { Hyper } from './hyper.js';
import { checkHyper, hyperAt } from './hyper.js';
import type { EmptyState } from './identity.js';
import { identity } from './identity.js';
import type { ScaleByLearningRateState } from './learning-rate.js';
import { learningRateLink } from './learning-rate.js';
import { namedChain } from './chain.js';
import type { Optimizer } from './optimizer.js';
import { scale } from './scale.js';
import type { ScaleByAdagradState } from './scale-by-adagrad.js';
import { adagradLink } from './scale-by-adagrad.js';
import type { AddDecayedWeightsState } from './weight-decay.js';
import { weightDecayLink } from './weight-decay.js';

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

/** State of {@link adagrad}: one entry per link of the chain. */
export interface AdagradState {
  /** The sign flip of `maximize` (keeps nothing). */
  readonly ascend: EmptyState;
  /** The L2 term's update count. */
  readonly weightDecay: AddDecayedWeightsState;
  /** The sum of squared gradients. */
  readonly adagrad: ScaleByAdagradState;
  /** The (decayed) learning rate's update count. */
  readonly lr: ScaleByLearningRateState;
}

/**
 * Adagrad with PyTorch's semantics, as a chain: negate for `maximize`, add the L2 term,
 * divide by the root of the sum of squares ({@link scaleByAdagrad}), scale by
 * `−lr / (1 + (t − 1) · lrDecay)` at step `t = 1, 2, …` (the decay is a schedule of the
 * learning-rate link).
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
  const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue, eps, maximize = false } = options;
  checkHyper('adagrad', 'lr', lr, 'nonNegative');
  checkHyper('adagrad', 'lrDecay', lrDecay, 'nonNegative');
  const decayed = (step: number): number =>
    hyperAt('adagrad', 'lr', lr, 'nonNegative', step) / (1 + step * hyperAt('adagrad', 'lrDecay', lrDecay, 'nonNegative', step));
  return namedChain({
    ascend: maximize ? scale(-1) : identity(),
    weightDecay: weightDecayLink('adagrad', weightDecay),
    adagrad: adagradLink('adagrad', { initialAccumulatorValue, eps }),
    lr: learningRateLink('adagrad', lrDecay === 0 ? lr : decayed, true),
  });
}
