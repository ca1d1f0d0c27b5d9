import type { AdamOptions, AdamState } from './adam.js';
import { namedChain } from './chain.js';
import { identity } from './identity.js';
import { learningRateLink } from './learning-rate.js';
import type { Optimizer } from './optimizer.js';
import { scale } from './scale.js';
import { adamLink } from './scale-by-adam.js';
import { weightDecayLink } from './weight-decay.js';

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay. The decay is added
 * *after* the preconditioner, so the step is `p ← p − lr · (adam(g) + weightDecay · p)`,
 * PyTorch's `p ← p (1 − lr · weightDecay)` followed by the Adam step. `weightDecay`
 * defaults to 1e-2, as in PyTorch.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adamw } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = adamw({ lr: 1e-3, weightDecay: 0.1 });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * ```
 */
export function adamw(options: AdamOptions = {}): Optimizer<AdamState> {
  const { lr = 1e-3, betas, eps, weightDecay = 1e-2, amsgrad, maximize = false } = options;
  return namedChain({
    ascend: maximize ? scale(-1) : identity(),
    adam: adamLink('adamw', { betas, eps, amsgrad }),
    weightDecay: weightDecayLink('adamw', weightDecay),
    lr: learningRateLink('adamw', lr, true),
  });
}
