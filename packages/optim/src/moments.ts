/**
 * Moment trees: per-parameter buffers (Adam's `mu`/`nu`, momentum traces, …) kept in the
 * state as trees shaped like the parameters. They are values: an update builds new
 * tensors and a new tree, and never writes the old ones.
 */
import type { Tree } from '@tapestry/core';
import { DTypeError, ShapeError, Tensor, flatten, fromStorage } from '@tapestry/core';
import type { FloatArray, LeafPair } from './leaves.js';
import { checkFloat, formatPath, formatShape, sameShape, zerosLike } from './leaves.js';

/** A tree of tensors with the structure, shapes and dtypes of the parameters. */
export type Moments = Tree;

/**
 * Rebuilds the structure of `tree` with `leafAt(path)` at every tensor. Containers of
 * the result are frozen; `undefined` entries (masked-out parameters) stay `undefined`.
 */
export function rebuild<T>(tree: T, leafAt: (leaf: Tensor, path: string) => Tensor): T {
  const visit = (node: unknown, path: string): unknown => {
    if (node === undefined || node === null || typeof node !== 'object') return node;
    if (node instanceof Tensor) return leafAt(node, path);
    if (Array.isArray(node)) return Object.freeze(node.map((child, i) => visit(child, join(path, String(i)))));
    return Object.freeze(Object.fromEntries(Object.entries(node).map(([k, child]) => [k, visit(child, join(path, k))])));
  };
  return visit(tree, '') as T;
}

/** One fresh buffer per parameter, filled with `fill`, with the parameter's shape and dtype. */
export function initMoments(owner: string, params: unknown, fill = 0): Moments {
  return rebuild(params, (leaf, path) => {
    checkFloat(owner, 'parameter', path, leaf);
    const data = zerosLike(leaf);
    if (fill !== 0) data.fill(fill);
    return fromStorage(leaf.shape, data);
  }) as Moments;
}

/**
 * The leaves of a moment tree by path, after checking that the incoming updates cover
 * exactly the parameters it was initialised for, with the same shapes and dtypes — so a
 * wrong tree fails before anything is computed.
 */
export function momentsByPath(owner: string, pairs: Map<string, LeafPair>, moments: Moments): Map<string, Tensor> {
  const byPath = new Map(flatten(moments).map(({ path, leaf }) => [path, leaf]));
  for (const [path, { grad }] of pairs) {
    const m = byPath.get(path);
    if (m === undefined) {
      throw new ShapeError(`${owner}: gradient for ${formatPath(path)} has no entry in the optimizer state (was the state initialised with these parameters?)`);
    }
    if (!sameShape(grad.shape, m.shape)) {
      throw new ShapeError(`${owner}: gradient for ${formatPath(path)} has shape ${formatShape(grad.shape)}, parameter has ${formatShape(m.shape)}`);
    }
    if (grad.dtype !== m.dtype) throw new DTypeError(`${owner}: gradient for ${formatPath(path)} is ${grad.dtype}, parameter is ${m.dtype}`);
  }
  if (byPath.size !== pairs.size) {
    const missing = [...byPath.keys()].find((k) => !pairs.has(k));
    throw new ShapeError(`${owner}: no gradient for parameter ${formatPath(missing ?? '?')}`);
  }
  return byPath;
}

/** Storage of a moment leaf (checked float by `initMoments` or the state loader). */
export function momentData(byPath: Map<string, Tensor>, path: string): FloatArray {
  return byPath.get(path)!.data as FloatArray;
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}
