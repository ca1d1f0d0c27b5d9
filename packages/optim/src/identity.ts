import type { GradientTransformation } from './transformation.js';

/** The state of a transformation that keeps none. */
export type EmptyState = Readonly<Record<string, never>>;

/**
 * Passes the updates through unchanged: the unit of {@link chain}.
 *
 * @example
 * ```ts
 * import { chain, identity, sgd } from '@tapestry/optim';
 * const same = chain(identity(), sgd({ lr: 0.1 })); // behaves exactly like sgd
 * ```
 */
export function identity(): GradientTransformation<EmptyState> {
  return {
    init() {
      return Object.freeze({});
    },
    update(updates, state) {
      return { updates, state };
    },
  };
}
