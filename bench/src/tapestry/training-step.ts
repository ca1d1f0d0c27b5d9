import { jit, valueAndGrad, type Tensor } from '@tapestry/core';
import type { Optimizer } from '@tapestry/optim';

/**
 * A training loop's body as a function: each call takes one gradient of `loss` at the
 * current parameters, applies `optimizer`, and returns the loss before the step. With
 * `compiled`, the gradient is `jit(valueAndGrad(loss))`: the loss and its whole reverse
 * sweep traced once and run as one plan (a scan inside becomes part of it, step by step).
 */
export function trainingStep<P, S>(loss: (params: P) => Tensor, params: P, optimizer: Optimizer<S>, compiled = false): () => number {
  const step = compiled ? jit(valueAndGrad(loss)) : valueAndGrad(loss);
  let state = optimizer.init(params);
  return () => {
    const [value, grads] = step(params);
    [params, state] = optimizer.step(grads, state, params);
    return value.item();
  };
}
