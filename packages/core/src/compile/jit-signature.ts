import { ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

// What makes two calls of a jitted function share a plan: the backend, every tensor's
// shape and dtype, the trees' structure and keys, and every non-tensor value.

/**
 * Shapes, dtypes, keys and every non-tensor value of `args`: calls with equal signatures
 * share a plan. Runs on every call, so it only appends to one string (paths are worked
 * out only to name an argument that is not allowed).
 */
export function signatureOf(args: unknown): string {
  let key = '';
  const visit = (node: unknown): void => {
    if (node instanceof Tensor) key += `${node.dtype}[${node.shape.join(',')}]`;
    else if (Array.isArray(node)) {
      key += `[${node.length}`;
      for (let i = 0; i < node.length; i++) visit(node[i]);
      key += ']';
    } else if (node !== null && typeof node === 'object') {
      key += '{';
      for (const k in node) {
        if (!Object.hasOwn(node, k)) continue;
        key += `${k.length}:${k}`;
        visit((node as Record<string, unknown>)[k]);
      }
      key += '}';
    } else if (typeof node === 'number' || typeof node === 'boolean' || node === undefined || node === null) key += ` ${String(node)}`;
    else if (typeof node === 'string') key += ` ${node.length}'${node}`;
    else throw new ValueError(`jit: argument${pathOf(args, node)} is a ${typeof node}; arguments are trees of tensors, numbers, strings and booleans`);
  };
  visit(args);
  return key;
}

/** The dotted path to `target` inside `tree` ('' when not found). */
function pathOf(tree: unknown, target: unknown): string {
  if (tree === target) return '';
  if (tree === null || typeof tree !== 'object' || tree instanceof Tensor) return '';
  for (const [k, child] of Object.entries(tree)) {
    if (child === target) return `.${k}`;
    const inner = pathOf(child, target);
    if (inner !== '') return `.${k}${inner}`;
  }
  return '';
}

/** A call's arguments with each tensor reduced to its dtype and shape: what a plan was made for. */
export type Skeleton =
  | { readonly kind: 'tensor'; readonly dtype: string; readonly shape: readonly number[] }
  | { readonly kind: 'array'; readonly items: readonly Skeleton[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly values: readonly Skeleton[] }
  | { readonly kind: 'value'; readonly value: unknown };

/** The skeleton of `args` (already checked by {@link signatureOf}). */
export function skeletonOf(node: unknown): Skeleton {
  if (node instanceof Tensor) return { kind: 'tensor', dtype: node.dtype, shape: [...node.shape] };
  if (Array.isArray(node)) return { kind: 'array', items: node.map(skeletonOf) };
  if (node !== null && typeof node === 'object') {
    const keys = Object.keys(node);
    return { kind: 'object', keys, values: keys.map((k) => skeletonOf((node as Record<string, unknown>)[k])) };
  }
  return { kind: 'value', value: node };
}

/**
 * True when `args` has exactly the shape of `skeleton` (same signature); its tensors are
 * then written to `leaves` in {@link leaves} order. Allocates nothing: it runs on every call.
 */
export function matchSkeleton(skeleton: Skeleton, args: unknown, leaves: Tensor[]): boolean {
  return visit(skeleton, args, leaves, 0) === leaves.length;
}

/** Matches one node; returns the next leaf position, or −1 on a difference. */
function visit(s: Skeleton, node: unknown, leaves: Tensor[], at: number): number {
  switch (s.kind) {
    case 'tensor': {
      if (!(node instanceof Tensor) || node.dtype !== s.dtype || node.shape.length !== s.shape.length) return -1;
      for (let i = 0; i < s.shape.length; i++) if (node.shape[i] !== s.shape[i]) return -1;
      leaves[at] = node;
      return at + 1;
    }
    case 'array': {
      if (!Array.isArray(node) || node.length !== s.items.length) return -1;
      for (let i = 0; i < s.items.length && at >= 0; i++) at = visit(s.items[i], node[i], leaves, at);
      return at;
    }
    case 'object': {
      if (node === null || typeof node !== 'object' || node instanceof Tensor || Array.isArray(node)) return -1;
      // Object.keys is a builtin: fast even before the engine optimises this function,
      // which a jitted step called a few hundred times mostly runs as.
      const keys = Object.keys(node);
      if (keys.length !== s.keys.length) return -1;
      for (let i = 0; i < keys.length && at >= 0; i++) {
        if (keys[i] !== s.keys[i]) return -1;
        at = visit(s.values[i], (node as Record<string, unknown>)[keys[i]], leaves, at);
      }
      return at;
    }
    case 'value':
      return node === s.value || (Number.isNaN(node) && Number.isNaN(s.value)) ? at : -1;
  }
}
