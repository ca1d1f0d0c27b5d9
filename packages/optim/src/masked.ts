import type { Labels } from './label-tree.js';
import { labelsByPath, merged, pruned } from './label-tree.js';
import type { Optimizer } from './optimizer.js';
import { asOptimizer } from './optimizer.js';
import type { GradientTransformation } from './transformation.js';

/** State of {@link masked}: the inner transformation's state, kept for the selected parameters only. */
export interface MaskedState<S> {
  /** The wrapped transformation's state (its moment trees hold `undefined` where the mask is false). */
  readonly inner: S;
}

/** Which parameters a {@link masked} transformation applies to. */
export type Mask = Labels<boolean>;

const isBoolean = (x: unknown): x is boolean => typeof x === 'boolean';

/**
 * Applies `inner` only to the parameters the mask selects; the other updates pass
 * through unchanged and `inner` keeps no state for them (Optax's `masked`). The mask is
 * a tree of booleans shaped like the parameters — or a prefix of it, one boolean for a
 * whole subtree — or a predicate of each parameter and its path. The usual use: no
 * weight decay on biases and embeddings.
 *
 * @example
 * ```ts
 * import { addDecayedWeights, chain, masked, scaleByAdam, scaleByLearningRate } from '@tapestry/optim';
 * // Decay the LSTM's matrices, not its biases nor the embedding table:
 * const decay = masked(addDecayedWeights(0.1), (_param, path) => path.startsWith('lstm.') && !path.includes('bias'));
 * const opt = chain(scaleByAdam(), decay, scaleByLearningRate(1e-3));
 * // The same with a tree: { embed: false, lstm: { weight_ih_l0: true, bias_ih_l0: false, … } }
 * ```
 */
export function masked<S>(inner: GradientTransformation<S>, mask: Mask): Optimizer<MaskedState<S>> {
  const selected = (tree: unknown): ((path: string) => boolean) => {
    const labels = labelsByPath('masked', mask, tree, isBoolean);
    return (path) => labels.get(path) === true;
  };
  return asOptimizer<MaskedState<S>>({
    init(params) {
      return Object.freeze({ inner: inner.init(pruned(params, selected(params))) });
    },
    update(updates, state, params) {
      const keep = selected(updates);
      const result = inner.update(pruned(updates, keep), state.inner, params === undefined ? undefined : pruned(params, keep));
      return { updates: merged(updates, result.updates), state: Object.freeze({ inner: result.state }) };
    },
  });
}
