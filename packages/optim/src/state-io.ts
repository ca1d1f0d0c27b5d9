/**
 * Optimizer states as named tensors plus JSON metadata, and back, bit for bit: the
 * format a checkpoint stores. Names are dotted paths through the state, e.g.
 * `1.mu.lstm.weight_ih_l0` for Adam's first moment in `chain(clip, adam)`.
 */
import { DTypeError, ShapeError, Tensor, ValueError, fromStorage } from '@tapestry/core';
import { allocLike, floatData, formatShape, sameShape } from './leaves.js';
import { isConsumed } from './moments.js';

/** A non-tensor leaf of a state as stored in JSON. */
export type JsonScalar = number | string | boolean | null;

/** A flattened optimizer state. */
export interface FlatState {
  /** Every tensor of the state (moment buffers), copied, by dotted path. */
  readonly tensors: Record<string, Tensor>;
  /**
   * Every other leaf (step counts, recorded norms, flags, injected hyperparameters) by
   * dotted path. JSON-safe: NaN, ±Infinity and −0 are stored as the strings `'NaN'`,
   * `'Infinity'`, `'-Infinity'` and `'-0'` so that a JSON round trip is exact.
   */
  readonly meta: Record<string, JsonScalar>;
}

/**
 * Flattens a state into copied tensors and JSON metadata. The copies do not change
 * when training continues, so the result is a true snapshot.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, flattenState } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = adam({ lr: 1e-3 });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * const { tensors, meta } = flattenState(state);
 * Object.keys(tensors); // ['mu.w', 'mu.b', 'nu.w', 'nu.b']
 * const metaJson = JSON.stringify(meta); // save it and the tensors with the parameters
 * ```
 */
export function flattenState(state: unknown): FlatState {
  const tensors: Record<string, Tensor> = {};
  const meta: Record<string, JsonScalar> = {};
  const put = (target: Record<string, unknown>, path: string, value: unknown): void => {
    if (Object.hasOwn(tensors, path) || Object.hasOwn(meta, path)) throw new ValueError(`flattenState: two entries of the state are both named '${path}'`);
    target[path] = value;
  };
  const visit = (node: unknown, path: string): void => {
    if (node instanceof Tensor) put(tensors, path, copyTensor(node));
    else if (typeof node === 'number') put(meta, path, encodeNumber(node));
    else if (typeof node === 'string' || typeof node === 'boolean' || node === null) put(meta, path, node);
    else if (node === undefined) return;
    else if (isContainer(node)) {
      if (isConsumed(node)) throw new ValueError(`flattenState: the state at '${path}' was already passed to update; flatten the state it returned`);
      for (const [key, child] of Object.entries(node)) visit(child, join(path, key));
    } else throw new ValueError(`flattenState: cannot store the ${typeof node} at '${path}'`);
  };
  visit(state, '');
  return { tensors, meta };
}

/**
 * Rebuilds a state from {@link flattenState}'s output. `template` gives the structure,
 * shapes and dtypes: make it with `opt.init(params)` for the same optimizer settings
 * and parameters. The tensors are copied, so the restored state owns its buffers and
 * continuing from it gives the same parameters, bit for bit, as never having stopped.
 * Throws if an entry is missing, extra, or of the wrong shape or dtype.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, flattenState, restoreState } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = adam({ lr: 1e-3 });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * const { tensors, meta } = flattenState(state);
 * const metaJson = JSON.stringify(meta);
 * // … later, with the saved tensors and metadata:
 * state = restoreState(opt.init(params), { tensors, meta: JSON.parse(metaJson) });
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * ```
 */
export function restoreState<S>(template: S, saved: FlatState): S {
  const used = new Set<string>();
  const take = <K extends 'tensors' | 'meta'>(kind: K, path: string): FlatState[K][string] => {
    const table = saved[kind];
    if (!Object.hasOwn(table, path)) throw new ValueError(`restoreState: the saved state has no ${kind === 'tensors' ? 'tensor' : 'value'} '${path}'`);
    used.add(`${kind}:${path}`);
    return table[path] as FlatState[K][string];
  };
  const visit = (node: unknown, path: string): unknown => {
    if (node instanceof Tensor) return restoreTensor(node, take('tensors', path), path);
    if (typeof node === 'number') return decodeNumber(take('meta', path), path);
    if (typeof node === 'string' || typeof node === 'boolean' || node === null) return sameKind(node, take('meta', path), path);
    if (node === undefined) return undefined;
    if (Array.isArray(node)) return node.map((child, i) => visit(child, join(path, String(i))));
    if (isContainer(node)) return Object.fromEntries(Object.entries(node).map(([k, child]) => [k, visit(child, join(path, k))]));
    throw new ValueError(`restoreState: cannot restore the ${typeof node} at '${path}' of the template`);
  };
  const restored = visit(template, '') as S;
  const extra = [...Object.keys(saved.tensors).map((p) => `tensors:${p}`), ...Object.keys(saved.meta).map((p) => `meta:${p}`)].find((k) => !used.has(k));
  if (extra !== undefined) {
    throw new ValueError(`restoreState: saved entry '${extra.slice(extra.indexOf(':') + 1)}' has no place in the template (different optimizer settings or parameters?)`);
  }
  return restored;
}

/**
 * An independent copy of a state (fresh buffers), e.g. to try two updates from the
 * same point: a state passed to `update` is consumed, its copy is not.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, cloneState } from '@tapestry/optim';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = adam({ lr: 1e-3 });
 * let state = opt.init(params);
 * const backup = cloneState(state);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * // `state` was consumed by the step; `backup` can still take one from the start
 * ```
 */
export function cloneState<S>(state: S): S {
  return restoreState(state, flattenState(state));
}

function isContainer(node: unknown): node is Record<string, unknown> {
  if (typeof node !== 'object' || node === null) return false;
  const proto = Object.getPrototypeOf(node) as unknown;
  return Array.isArray(node) || proto === Object.prototype || proto === null;
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function copyTensor(t: Tensor): Tensor {
  const out = allocLike(t);
  out.set(floatData(t));
  return fromStorage(t.shape, out);
}

function restoreTensor(like: Tensor, saved: unknown, path: string): Tensor {
  if (!(saved instanceof Tensor)) throw new ValueError(`restoreState: '${path}' is not a tensor`);
  if (!sameShape(saved.shape, like.shape)) {
    throw new ShapeError(`restoreState: '${path}' has shape ${formatShape(saved.shape)}, the template has ${formatShape(like.shape)}`);
  }
  if (saved.dtype !== like.dtype) throw new DTypeError(`restoreState: '${path}' is ${saved.dtype}, the template is ${like.dtype}`);
  return copyTensor(saved);
}

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

function encodeNumber(x: number): JsonScalar {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

function decodeNumber(value: JsonScalar, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && Object.hasOwn(SPECIAL, value)) return SPECIAL[value];
  throw new ValueError(`restoreState: '${path}' should be a number, got ${JSON.stringify(value)}`);
}

function sameKind(like: JsonScalar, value: JsonScalar, path: string): JsonScalar {
  if (typeof value !== typeof like || (like === null) !== (value === null)) {
    throw new ValueError(`restoreState: '${path}' should be ${like === null ? 'null' : `a ${typeof like}`}, got ${JSON.stringify(value)}`);
  }
  return value;
}
