import type { Hyper } from './hyper.js';
import { checkHyper, hyperAt } from './hyper.js';
import { mapPairs, pairLeaves } from './leaves.js';
import { scaledBy } from './scale.js';
import type { GradientTransformation } from './transformation.js';

/** State of {@link scaleByLearningRate}: the update count at which a schedule is evaluated. */
export interface ScaleByLearningRateState {
  /** Updates applied so far. */
  readonly count: number;
}

/** Options of {@link scaleByLearningRate}. */
export interface ScaleByLearningRateOptions {
  /** Multiply by `−lr` (descent, the default) rather than `lr`. */
  readonly flipSign?: boolean;
}

/**
 * Multiplies the updates by `−lr` (a number ≥ 0 or a schedule of the step count), the
 * last link of every optimizer here: it turns a direction into an update that
 * {@link applyUpdates} adds to the parameters.
 *
 * @example
 * ```ts
 * import { chain, cosineDecay, scaleByAdam, scaleByLearningRate } from '@tapestry/optim';
 * const myAdam = chain(scaleByAdam(), scaleByLearningRate(cosineDecay({ init: 1e-3, decaySteps: 1000 })));
 * ```
 */
export function scaleByLearningRate(lr: Hyper, options: ScaleByLearningRateOptions = {}): GradientTransformation<ScaleByLearningRateState> {
  return learningRateLink('scaleByLearningRate', lr, options.flipSign ?? true);
}

/** {@link scaleByLearningRate} whose errors name `owner` (the optimizer it is part of). */
export function learningRateLink(owner: string, lr: Hyper, flipSign: boolean): GradientTransformation<ScaleByLearningRateState> {
  checkHyper(owner, 'lr', lr, 'nonNegative');
  const sign = flipSign ? -1 : 1;
  return {
    init: () => Object.freeze({ count: 0 }),
    update(updates, state) {
      const pairs = pairLeaves(owner, updates, undefined, 'update');
      const factor = sign * hyperAt(owner, 'lr', lr, 'nonNegative', state.count);
      return { updates: mapPairs(updates, pairs, ({ grad }) => scaledBy(grad, factor)), state: Object.freeze({ count: state.count + 1 }) };
    },
  };
}
