/**
 * Internal: trees of labels (booleans for `masked`, group names for `multiTransform`)
 * matched to parameter trees by path, and the pruned trees a group's transformation sees.
 */
import type { Tensor } from '@tapestry/core';
import { ValueError, flatten, mapTree } from '@tapestry/core';
import { formatPath } from './leaves.js';

/**
 * A tree of labels with the structure of the parameters, or a prefix of it: a label
 * where the parameters have a subtree applies to the whole subtree.
 */
export type LabelTree<L> = L | readonly LabelTree<L>[] | { readonly [key: string]: LabelTree<L> };

/** Labels given as a tree, or as a function of each parameter and its dotted path. */
export type Labels<L> = LabelTree<L> | ((leaf: Tensor, path: string) => L);

/** The label of every tensor of `tree`, by path; throws naming the path a label is missing for. */
export function labelsByPath<L>(owner: string, labels: Labels<L>, tree: unknown, isLabel: (x: unknown) => x is L): Map<string, L> {
  const out = new Map<string, L>();
  for (const { path, leaf } of flatten(tree)) {
    const label = typeof labels === 'function' ? (labels as (leaf: Tensor, path: string) => L)(leaf, path) : labelAt(owner, labels, path, isLabel);
    if (!isLabel(label)) throw new ValueError(`${owner}: the label of ${formatPath(path)} is ${JSON.stringify(label) ?? String(label)}`);
    out.set(path, label);
  }
  return out;
}

function labelAt<L>(owner: string, labels: LabelTree<L>, path: string, isLabel: (x: unknown) => x is L): L {
  let node: unknown = labels;
  for (const key of path === '' ? [] : path.split('.')) {
    if (isLabel(node)) return node;
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) {
      throw new ValueError(`${owner}: the labels have no entry for parameter ${formatPath(path)}`);
    }
    node = (node as Record<string, unknown>)[key];
  }
  if (!isLabel(node)) throw new ValueError(`${owner}: the labels hold a subtree where parameter ${formatPath(path)} is a tensor`);
  return node;
}

/** `tree` with every tensor whose path fails `keep` replaced by `undefined` (paths are unchanged). */
export function pruned<T>(tree: T, keep: (path: string) => boolean): T {
  return mapTree(tree, (leaf, path) => (keep(path) ? leaf : undefined)) as unknown as T;
}

/** `updates` with the tensors of `replacement` (a pruned tree's result) at the paths it holds. */
export function merged<T>(updates: T, replacement: unknown): T {
  const byPath = new Map(flatten(replacement).map(({ path, leaf }) => [path, leaf]));
  return mapTree(updates, (leaf, path) => byPath.get(path) ?? leaf) as unknown as T;
}
