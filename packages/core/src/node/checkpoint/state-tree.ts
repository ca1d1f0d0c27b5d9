/**
 * A training state as a tree whose leaves are tensors or plain scalars (numbers,
 * strings, booleans, null) — parameters, and optimizer states of any shape: a chain's
 * tuple of states, Adam's `{ count, mu, nu }`, or the `{ tensors, meta }` of
 * `flattenState`. Flattening gives dotted paths; rebuilding walks a *template* (the
 * freshly initialised state) so the result has exactly the caller's structure, and
 * every difference between template and file is reported by path.
 */
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

/** A non-tensor leaf. */
export type StateScalar = number | string | boolean | null;

/** A leaf of a state tree. */
export type StateLeaf = Tensor | StateScalar;

/** A leaf and its dotted path. */
export interface StateEntry {
  /** Dotted path from the root. */
  readonly path: string;
  /** The tensor or scalar there. */
  readonly leaf: StateLeaf;
}

/** What went wrong at which path. */
export interface TreeFault {
  /** Dotted path of the leaf at fault. */
  readonly path: string;
  /** What is wrong with it. */
  readonly reason: string;
}

/** The leaves of `tree` with their dotted paths (`undefined` entries, absent options, are skipped). */
export function stateEntries(tree: unknown, root: string): StateEntry[] | TreeFault {
  const out: StateEntry[] = [];
  const seen = new Set<string>();
  let fault: TreeFault | undefined;
  const visit = (node: unknown, path: string): void => {
    if (fault !== undefined || node === undefined) return;
    if (node instanceof Tensor || isScalar(node)) {
      if (seen.has(path)) fault = { path, reason: 'two entries of the state have this name' };
      seen.add(path);
      out.push({ path, leaf: node });
    } else if (isContainer(node)) {
      for (const [key, child] of Object.entries(node)) visit(child, join(path, key));
    } else fault = { path, reason: `cannot store a ${describe(node)} (leaves must be tensors, numbers, strings, booleans or null)` };
  };
  visit(tree, root);
  return fault ?? out;
}

/**
 * Rebuilds `template`'s structure with the leaves of `saved` (by path). Returns the first
 * fault: a path the file lacks, a leaf of the wrong kind, shape or dtype. Paths of
 * `saved` under `root` that the template has no place for are reported by the caller.
 */
export function rebuild(template: unknown, root: string, saved: ReadonlyMap<string, StateLeaf>, used: Set<string>): { ok: unknown } | TreeFault {
  let fault: TreeFault | undefined;
  const visit = (node: unknown, path: string): unknown => {
    if (fault !== undefined || node === undefined) return undefined;
    if (node instanceof Tensor || isScalar(node)) {
      const value = saved.get(path);
      used.add(path);
      const reason = value === undefined ? 'is missing from the checkpoint' : mismatch(node, value);
      if (reason !== undefined) fault = { path, reason };
      return value;
    }
    if (Array.isArray(node)) return node.map((child, i) => visit(child, join(path, String(i))));
    if (isContainer(node)) return Object.fromEntries(Object.entries(node).map(([k, child]) => [k, visit(child, join(path, k))]));
    fault = { path, reason: `the template holds a ${describe(node)}, which a checkpoint cannot restore` };
    return undefined;
  };
  const result = visit(template, root);
  return fault ?? { ok: result };
}

function mismatch(like: StateLeaf, value: StateLeaf): string | undefined {
  if (like instanceof Tensor) {
    if (!(value instanceof Tensor)) return `should be a tensor, got ${JSON.stringify(value)}`;
    if (value.shape.length !== like.shape.length || value.shape.some((d, i) => d !== like.shape[i])) {
      return `has shape ${formatShape(value.shape)} in the checkpoint, the model has ${formatShape(like.shape)} (a checkpoint of another model or optimizer?)`;
    }
    if (value.dtype !== like.dtype) return `is ${value.dtype} in the checkpoint, the model is ${like.dtype}`;
    return undefined;
  }
  if (value instanceof Tensor) return `should be ${kindOf(like)}, got a tensor`;
  if (kindOf(value) !== kindOf(like)) return `should be ${kindOf(like)}, got ${JSON.stringify(value)}`;
  return undefined;
}

function kindOf(x: StateScalar): string {
  return x === null ? 'null' : `a ${typeof x}`;
}

function isScalar(x: unknown): x is StateScalar {
  return x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean';
}

function isContainer(node: unknown): node is Record<string, unknown> {
  if (typeof node !== 'object' || node === null) return false;
  const proto = Object.getPrototypeOf(node) as unknown;
  return Array.isArray(node) || proto === Object.prototype || proto === null;
}

function describe(node: unknown): string {
  if (typeof node !== 'object' || node === null) return typeof node;
  return (node.constructor as { name?: string } | undefined)?.name ?? 'object';
}

/** `prefix.key`, or `key` at the root. */
export function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}
