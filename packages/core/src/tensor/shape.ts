import { ShapeError } from '../errors.js';

/** A tensor's dimensions, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a tensor of this shape. */
export function sizeOf(shape: Shape): number {
  // An indexed loop, not for…of: every tensor construction calls this, often before the
  // engine has optimised the caller, and an interpreted for…of runs the iterator protocol
  // (a jitted token step's five output tensors spent ~5 µs each here, cold).
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/**
 * Where tensors joined along `axis` go in the result, seen as `outer` rows: each input
 * contributes one run of `shape[axis]·inner` elements to every row of `rowLength`.
 */
export interface JoinLayout {
  /** The joined shape. */
  readonly shape: number[];
  /** Rows: the product of the axes before `axis`. */
  readonly outer: number;
  /** Elements per index of `axis`: the product of the axes after it. */
  readonly inner: number;
  /** Elements per row of the result. */
  readonly rowLength: number;
}

/** The {@link JoinLayout} of tensors of `shapes` (equal but along `axis`) joined along `axis`. */
export function joinLayout(shapes: readonly Shape[], axis: number): JoinLayout {
  const first = shapes[0];
  const total = shapes.reduce((n, s) => n + s[axis], 0);
  const inner = sizeOf(first.slice(axis + 1));
  return { shape: first.map((d, i) => (i === axis ? total : d)), outer: sizeOf(first.slice(0, axis)), inner, rowLength: total * inner };
}

/** Row-major strides (in elements) of a contiguous tensor of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** `[2,3]` — how shapes appear in error messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Element-wise equality of two shapes. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes; throws a {@link ShapeError} naming `op` when they do not broadcast. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Resolves a possibly negative axis, or throws a {@link ShapeError} naming `op`. Pass the
 * tensor's shape (preferred: the message then shows it) or just its rank.
 */
export function normalizeAxis(op: string, axis: number, shapeOrRank: Shape | number): number {
  const rank = typeof shapeOrRank === 'number' ? shapeOrRank : shapeOrRank.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const where = typeof shapeOrRank === 'number' ? `rank ${rank}` : `shape ${formatShape(shapeOrRank)} (rank ${rank})`;
    throw new ShapeError(`${op}: axis ${axis} is out of range for ${where}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves a list of axes (or all axes when `undefined`), sorted and without repeats; see {@link normalizeAxis}. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, shapeOrRank: Shape | number): number[] {
  const rank = typeof shapeOrRank === 'number' ? shapeOrRank : shapeOrRank.length;
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(op, a, shapeOrRank)))];
  if (out.length !== list.length) throw new ShapeError(`${op}: repeated axis in [${list.join(',')}]`);
  return out.sort((x, y) => x - y);
}

/**
 * The most elements a tensor may have: the longest typed array JavaScript engines
 * allocate (2³² − 1 in V8 on 64-bit machines; smaller engines fail at allocation, which
 * {@link allocate} reports as clearly).
 */
export const maxTensorSize = 2 ** 32 - 1;

/**
 * Checks that `shape` is an array of non-negative integers whose product is at most
 * {@link maxTensorSize}; throws a {@link ShapeError} naming `op` otherwise.
 */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: a shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: invalid shape ${formatShape(shape)} (dimensions must be non-negative integers)`);
  }
  const size = sizeOf(shape);
  if (size > maxTensorSize) {
    throw new ShapeError(`${op}: shape ${formatShape(shape)} has ${size} elements, more than the ${maxTensorSize} a tensor can hold`);
  }
}
