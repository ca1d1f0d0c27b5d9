import type { AdamOptions, AdamState } from './adam.js';
import { adamFamily } from './adam.js';
import type { Optimizer } from './optimizer.js';

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay. Each step first
 * shrinks the parameter, `p ← p (1 − lr · weightDecay)`, then applies the Adam update
 * with no L2 term in the gradient. `weightDecay` defaults to 1e-2, as in PyTorch.
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
  return adamFamily('adamw', options, true);
}
