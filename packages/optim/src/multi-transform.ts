import { ValueError } from '@tapestry/core';
import type { Labels } from './label-tree.js';
import { labelsByPath, merged, pruned } from './label-tree.js';
import { formatPath } from './leaves.js';
import type { Optimizer } from './optimizer.js';
import { asOptimizer } from './optimizer.js';
import type { GradientTransformation, StateOf } from './transformation.js';

/** State of {@link multiTransform}: each group's state under its label. */
export type MultiTransformState<T extends Readonly<Record<string, GradientTransformation<unknown>>>> = {
  readonly [K in keyof T]: StateOf<T[K]>;
};

/**
 * Runs a different transformation on each group of parameters (Optax's
 * `multi_transform`/`partition`): `labels` names the group of every parameter — a tree
 * of labels shaped like the parameters (or a prefix of it) or a function of each
 * parameter and its path — and `transforms` maps each label to its transformation,
 * which sees only its group's parameters and keeps state for them alone.
 *
 * @example
 * ```ts
 * import { adam, multiTransform } from '@tapestry/optim';
 * // Per-group learning rates: the embedding table learns ten times faster.
 * const opt = multiTransform(
 *   { embedding: adam({ lr: 1e-2 }), rest: adam({ lr: 1e-3 }) },
 *   (_param, path) => (path.startsWith('embed.') ? 'embedding' : 'rest'),
 * );
 * ```
 */
export function multiTransform<T extends Readonly<Record<string, GradientTransformation<unknown>>>>(
  transforms: T,
  labels: Labels<string>,
): Optimizer<MultiTransformState<T>> {
  const groups = Object.entries(transforms);
  const isGroup = (x: unknown): x is string => typeof x === 'string';
  const groupsOf = (tree: unknown): Map<string, string> => {
    const byPath = labelsByPath('multiTransform', labels, tree, isGroup);
    for (const [path, label] of byPath) {
      if (!Object.hasOwn(transforms, label)) {
        throw new ValueError(`multiTransform: parameter ${formatPath(path)} has label '${label}', which has no transformation (labels: ${Object.keys(transforms).join(', ')})`);
      }
    }
    return byPath;
  };
  return asOptimizer<MultiTransformState<T>>({
    init(params) {
      const byPath = groupsOf(params);
      const states = groups.map(([label, tx]) => [label, tx.init(pruned(params, (p) => byPath.get(p) === label))]);
      return Object.freeze(Object.fromEntries(states)) as MultiTransformState<T>;
    },
    update(updates, state, params) {
      const byPath = groupsOf(updates);
      let out = updates;
      const next: Record<string, unknown> = {};
      for (const [label, tx] of groups) {
        if (!Object.hasOwn(state, label)) throw new ValueError(`multiTransform: the state has no entry '${label}'; was it made by this multiTransform's init?`);
        const keep = (p: string): boolean => byPath.get(p) === label;
        const result = tx.update(pruned(updates, keep), (state as Record<string, unknown>)[label], params === undefined ? undefined : pruned(params, keep));
        out = merged(out, result.updates);
        next[label] = result.state;
      }
      return { updates: out, state: Object.freeze(next) as MultiTransformState<T> };
    },
  });
}
