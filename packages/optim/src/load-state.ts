/**
 * Optimizer states read back from storage. A state is a tree of tensors and numbers,
 * saved like the parameters; {@link loadState} checks what was read against the
 * structure a fresh `init` gives and against what each primitive's fields can hold.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import { left, right } from 'fp-ts/lib/Either.js';
import { DTypeError, ShapeError, Tensor, TapestryError, ValueError } from '@tapestry/core';
import { formatShape, sameShape } from './leaves.js';

/** Fields that count events: non-negative integers. */
const COUNTS = new Set(['count', 'skipped', 'consecutiveSkips']);
/** Fields holding trees shaped like the parameters. */
const MOMENT_FIELDS = new Set(['mu', 'nu', 'nuMax', 'sumOfSquares', 'trace']);
/** Fields whose tensors are sums or averages of squares: every element ≥ 0. */
const SECOND_MOMENTS = new Set(['nu', 'nuMax', 'sumOfSquares']);

interface Place {
  readonly path: string;
  /** The state field this node lies under (`'nu'` for `adam.nu.fc.weight`). */
  readonly field: string;
}

/**
 * Checks a state read back from storage against `template` (`opt.init(params)` for the
 * same optimizer settings and parameters) and returns it, or a `Left` with an error
 * that names the offending entry: a missing, extra, mis-shaped or mis-typed entry, a
 * moment holding NaN or ±Infinity, a negative second moment (`nu`, `nuMax`,
 * `sumOfSquares`), a step count that is not a non-negative integer, or something that
 * is not a state at all (`null`, a string…). A number may also come back as a
 * one-element tensor (how a tensor-only file stores it). Containers that hold nothing
 * (a stateless link's `{}`) may be missing. The returned state shares the saved tensors.
 *
 * @example
 * ```ts
 * import { add, grad, square, sum, tensor } from '@tapestry/core';
 * import { adam, loadState } from '@tapestry/optim';
 * import { isLeft } from 'fp-ts/lib/Either.js';
 * let params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const loss = (p: typeof params) => sum(square(add(p.w, p.b)));
 * const opt = adam({ lr: 1e-3 });
 * let state = opt.init(params);
 * [params, state] = opt.step(grad(loss)(params), state, params);
 * const saved: unknown = state; // … written to a file with the parameters and read back
 * const loaded = loadState(opt.init(params), saved);
 * if (isLeft(loaded)) throw loaded.left; // e.g. "loadState: 'adam.nu.w' holds a negative second moment …"
 * [params, state] = opt.step(grad(loss)(params), loaded.right, params);
 * ```
 */
export function loadState<S>(template: S, saved: unknown): Either<TapestryError, S> {
  try {
    return right(visit(template, saved, { path: '', field: '' }) as S);
  } catch (e) {
    if (e instanceof TapestryError) return left(e);
    throw e;
  }
}

function visit(like: unknown, saved: unknown, at: Place): unknown {
  if (like instanceof Tensor) return checkTensor(like, saved, at);
  if (typeof like === 'number') return checkNumber(saved, at);
  if (like === undefined) {
    if (saved !== undefined) fail(at, `should be absent (a parameter the transformation skips), got ${describe(saved)}`);
    return undefined;
  }
  if (typeof like !== 'object' || like === null) {
    if (typeof saved !== typeof like) fail(at, `should be a ${typeof like}, got ${describe(saved)}`);
    return saved;
  }
  if (saved === undefined && isEmpty(like)) return like;
  if (Array.isArray(like)) return Object.freeze(like.map((child, i) => visit(child, entry(saved, like, String(i), at), inside(at, String(i)))));
  const keys = Object.keys(like);
  const extra = Object.keys(record(saved, like, at)).find((k) => !keys.includes(k));
  if (extra !== undefined) fail(inside(at, extra), 'has no place in this optimizer state (different settings or parameters?)');
  const out = keys.map((k) => [k, visit((like as Record<string, unknown>)[k], entry(saved, like, k, at), inside(at, k))]);
  return Object.freeze(Object.fromEntries(out));
}

function checkTensor(like: Tensor, saved: unknown, at: Place): Tensor {
  if (!(saved instanceof Tensor)) return fail(at, `should be a tensor of shape ${formatShape(like.shape)}, got ${describe(saved)}`);
  if (!sameShape(saved.shape, like.shape)) throw new ShapeError(`loadState: ${name(at)} has shape ${formatShape(saved.shape)}, the state needs ${formatShape(like.shape)}`);
  if (saved.dtype !== like.dtype) throw new DTypeError(`loadState: ${name(at)} is ${saved.dtype}, the state needs ${like.dtype}`);
  const d = saved.data;
  const nonNegative = SECOND_MOMENTS.has(at.field);
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) fail(at, `holds ${d[i]} at element ${i}; a moment must be finite`);
    if (nonNegative && d[i] < 0) fail(at, `holds a negative second moment ${d[i]} at element ${i}`);
  }
  return saved;
}

function checkNumber(saved: unknown, at: Place): number {
  const value = saved instanceof Tensor && saved.size === 1 ? saved.data[0] : saved;
  if (typeof value !== 'number') return fail(at, `should be a number, got ${describe(saved)}`);
  const key = at.path.slice(at.path.lastIndexOf('.') + 1);
  if (COUNTS.has(key) && !(Number.isSafeInteger(value) && value >= 0)) fail(at, `is a count and must be a non-negative integer, got ${value}`);
  if (key === 'lastNorm' && value < 0) fail(at, `is a norm and cannot be negative, got ${value}`);
  return value;
}

function record(saved: unknown, like: object, at: Place): object {
  if (saved === null || typeof saved !== 'object' || saved instanceof Tensor || Array.isArray(saved) !== Array.isArray(like)) {
    fail(at, `should be ${Array.isArray(like) ? 'an array' : 'an object'} (${describeTemplate(like)}), got ${describe(saved)}`);
  }
  return saved as object;
}

function entry(saved: unknown, like: object, key: string, at: Place): unknown {
  const container = record(saved, like, at) as Record<string, unknown>;
  if (Array.isArray(like) && Array.isArray(container) && container.length !== like.length) fail(at, `should have ${like.length} entries, got ${container.length}`);
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

/** True when a subtree holds no tensor and no number: nothing a file would store. */
function isEmpty(node: unknown): boolean {
  if (node instanceof Tensor || typeof node === 'number') return false;
  if (node === null || typeof node !== 'object') return true;
  return Object.values(node).every(isEmpty);
}

function inside(at: Place, key: string): Place {
  // Below a moment field every key is a parameter's name, which must not change the rule.
  return { path: at.path === '' ? key : `${at.path}.${key}`, field: MOMENT_FIELDS.has(at.field) ? at.field : key };
}

function name(at: Place): string {
  return at.path === '' ? 'the state' : `'${at.path}'`;
}

function fail(at: Place, problem: string): never {
  throw new ValueError(`loadState: ${name(at)} ${problem}`);
}

function describe(x: unknown): string {
  if (x instanceof Tensor) return `a tensor of shape ${formatShape(x.shape)}`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  return typeof x === 'number' ? String(x) : typeof x;
}

function describeTemplate(like: object): string {
  const keys = Object.keys(like);
  return Array.isArray(like) ? `a chain of ${keys.length}` : `with ${keys.length === 0 ? 'no entries' : `entries ${keys.join(', ')}`}`;
}
