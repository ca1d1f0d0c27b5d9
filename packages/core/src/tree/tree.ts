import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A parameter tree: a tensor, or plain objects and arrays nesting tensors. Parameters,
 * gradients and optimizer states are all trees of the same structure.
 */
export type Tree<L = Tensor> = L | readonly Tree<L>[] | { readonly [key: string]: Tree<L> };

/**
 * Replaces every leaf of a tree of tensors with a value of another type, keeping the
 * structure. The general {@link Tree} type maps to `Tree<L>`.
 */
export type MapLeaves<T, L> = [T] extends [Tree]
  ? [Tree] extends [T]
    ? Tree<L>
    : MapStructure<T, L>
  : MapStructure<T, L>;

/** The structural part of {@link MapLeaves}: tensors become `L`, arrays and objects are mapped entry by entry. */
export type MapStructure<T, L> = T extends Tensor
  ? L
  : T extends readonly unknown[]
    ? { [K in keyof T]: MapLeaves<T[K], L> }
    : T extends object
      ? { [K in keyof T]: MapLeaves<T[K], L> }
      : T;

/** A leaf of a flattened tree with its dotted path, e.g. `layers.0.weight_ih`. */
export interface PathLeaf<L = Tensor> {
  /** Dotted path from the root: object keys and array indices joined by `.` (`''` for a bare tensor). */
  path: string;
  /** The tensor (or mapped value) at that path. */
  leaf: L;
}

function isLeaf(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/**
 * Applies `fn` to every tensor of `tree` and returns a tree of the same structure.
 * `undefined` and `null` entries are kept as they are (absent optional parameters).
 *
 * @example
 * ```ts
 * import { mapTree, zeros, zerosLike } from '@tapestry/core';
 * const grads = mapTree({ w: zeros([2, 2]), b: zeros([2]) }, zerosLike);
 * ```
 */
export function mapTree<T, L>(tree: T, fn: (leaf: Tensor, path: string) => L): MapLeaves<T, L> {
  const visit = (node: unknown, path: string): unknown => {
    if (isLeaf(node)) return fn(node, path);
    if (Array.isArray(node)) return node.map((child, i) => visit(child, join(path, String(i))));
    // fromEntries defines own properties, so even a key named `__proto__` stays a key.
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, child]) => [k, visit(child, join(path, k))]));
    return node;
  };
  return visit(tree, '') as MapLeaves<T, L>;
}

/**
 * Applies `fn` leaf by leaf to several trees of the same structure. Throws a
 * {@link ShapeError} naming the first path where the structures differ.
 */
export function zipTrees<T, L>(trees: readonly T[], fn: (leaves: Tensor[], path: string) => L): MapLeaves<T, L> {
  const [first, ...rest] = trees;
  const flatRest = rest.map((t) => new Map(flatten(t).map(({ path, leaf }) => [path, leaf])));
  const firstPaths = flatten(first);
  for (const other of flatRest) {
    if (other.size !== firstPaths.length) {
      const missing = firstPaths.find(({ path }) => !other.has(path))?.path ?? [...other.keys()].find((p) => !firstPaths.some((f) => f.path === p));
      throw new ShapeError(`zipTrees: tree structures differ at '${missing ?? '?'}'`);
    }
  }
  return mapTree(first, (leaf, path) => {
    const leaves = [leaf];
    for (const other of flatRest) {
      const l = other.get(path);
      if (l === undefined) throw new ShapeError(`zipTrees: tree structures differ at '${path}'`);
      leaves.push(l);
    }
    return fn(leaves, path);
  });
}

/**
 * The tensors of a tree with their dotted paths, in a deterministic depth-first order.
 *
 * A key may itself contain dots (a flat state dict such as `{'fc.weight': w}` flattens to
 * the same paths as `{fc: {weight: w}}`), but not beside a key that is one of its dotted
 * prefixes: in `{'a.b': t, a: {c: u}}` the paths `a.b` and `a.c` would be rebuilt by
 * {@link unflatten} as one object `a`, a different tree, so that throws a
 * {@link ShapeError} naming both keys. An empty key throws too (its path is ambiguous).
 */
export function flatten(tree: unknown): PathLeaf[] {
  const out: PathLeaf[] = [];
  const visit = (node: unknown, path: string): void => {
    if (isLeaf(node)) out.push({ path, leaf: node });
    else if (Array.isArray(node)) node.forEach((child, i) => visit(child, join(path, String(i))));
    else if (node !== null && typeof node === 'object') {
      checkUnambiguousKeys(node as Record<string, unknown>, path);
      for (const [k, child] of Object.entries(node)) visit(child, join(path, k));
    }
  };
  visit(tree, '');
  return out;
}

/** Throws unless every key of `node` is non-empty and no dotted key extends a sibling key. */
function checkUnambiguousKeys(node: Record<string, unknown>, path: string): void {
  const under = path === '' ? '' : ` under '${path}'`;
  for (const key of Object.keys(node)) {
    if (key === '') throw new ShapeError(`flatten: an empty key${under} has no dotted path of its own`);
    for (let dot = key.indexOf('.'); dot !== -1; dot = key.indexOf('.', dot + 1)) {
      const prefix = key.slice(0, dot);
      if (Object.hasOwn(node, prefix)) {
        throw new ShapeError(`flatten: the keys ${JSON.stringify(prefix)} and ${JSON.stringify(key)}${under} give paths that unflatten cannot tell apart`);
      }
    }
  }
}

/** The tensors of a tree in {@link flatten} order (any keys allowed: no paths are made). */
export function leaves(tree: unknown): Tensor[] {
  const out: Tensor[] = [];
  const visit = (node: unknown): void => {
    if (isLeaf(node)) out.push(node);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(tree);
  return out;
}

/**
 * Rebuilds a tree from dotted paths. Objects whose keys are exactly `0..n-1` become
 * arrays, so `unflatten(flatten(t))` has the structure of `t` (empty containers, which
 * hold no tensor, and objects whose keys are exactly `0..n-1` cannot be told apart from
 * nothing and from arrays). A path given twice, or both as a leaf and as a prefix of
 * another path, or a path with an empty part (`a..b`), throws a {@link ShapeError}.
 */
export function unflatten(entries: Iterable<PathLeaf> | Record<string, Tensor>): Tree {
  const list: PathLeaf[] = Symbol.iterator in entries ? [...(entries as Iterable<PathLeaf>)] : Object.entries(entries).map(([path, leaf]) => ({ path, leaf }));
  if (list.length === 1 && list[0].path === '') return list[0].leaf;
  // Null-prototype nodes: a path such as `__proto__.x` or `constructor` from a
  // checkpoint is an ordinary key here, never a route into Object.prototype.
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const { path, leaf } of list) {
    const parts = path.split('.');
    if (parts.includes('')) throw new ShapeError(`unflatten: the path '${path}' has an empty part`);
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (isLeaf(next)) throw new ShapeError(`unflatten: '${path}' nests inside a tensor`);
      node = (next as Record<string, unknown> | undefined) ?? (node[part] = Object.create(null) as Record<string, unknown>);
    }
    const last = parts[parts.length - 1];
    if (Object.hasOwn(node, last)) throw new ShapeError(`unflatten: '${path}' is given twice, or also as a prefix of another path`);
    node[last] = leaf;
  }
  const toArrays = (node: unknown): unknown => {
    if (isLeaf(node) || node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    const keys = Object.keys(obj);
    const converted = Object.fromEntries(keys.map((k) => [k, toArrays(obj[k])]));
    const isArray = keys.length > 0 && keys.every((k, i) => k === String(i));
    return isArray ? keys.map((k) => converted[k]) : converted;
  };
  return toArrays(root) as Tree;
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}
