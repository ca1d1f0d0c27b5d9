import { backend } from '../backend/current.js';
import { ShapeError } from '../errors.js';
import type { Shape } from '../tensor/shape.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineOp } from './op.js';
import { asTensors } from './operand.js';
import { reshape, unsqueeze } from './shape.js';

/** The registered op behind {@link slice}. */
export const sliceOp = defineOp<{ starts: number[]; sizes: number[] }>({
  name: 'slice',
  forward: ([x], { starts, sizes }) => backend().slice(x, starts, sizes),
  vjp: ([g], { inputs: [x], attrs: { starts, sizes } }) => [
    pad(g, starts.map((s, i) => [s, x.shape[i] - s - sizes[i]] as [number, number])),
  ],
});

/** The block of `x` that starts at `starts[i]` and has `sizes[i]` elements along each axis (-1: to the end). */
export function slice(x: Tensor, starts: readonly number[], sizes: readonly number[]): Tensor {
  if (starts.length !== x.rank || sizes.length !== x.rank) {
    throw new ShapeError(`slice: ${formatShape(x.shape)} needs ${x.rank} starts and sizes, got [${starts.join(',')}] and [${sizes.join(',')}]`);
  }
  const resolved = sizes.map((s, i) => (s === -1 ? x.shape[i] - starts[i] : s));
  starts.forEach((s, i) => {
    if (!Number.isInteger(s) || !Number.isInteger(resolved[i]) || s < 0 || resolved[i] < 0 || s + resolved[i] > x.shape[i]) {
      throw new ShapeError(`slice: block at [${starts.join(',')}] of size [${sizes.join(',')}] is outside ${formatShape(x.shape)}`);
    }
  });
  if (resolved.every((s, i) => s === x.shape[i])) return x;
  return sliceOp.run([x], { starts: [...starts], sizes: resolved })[0];
}

/**
 * Elements `start .. end-1` along one axis, as Python and NumPy slice: negative indices
 * count from the end, indices past either end are clamped, and an empty range (`end <=
 * start`) gives a tensor with 0 elements along the axis.
 */
export function sliceAxis(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const a = normalizeAxis('sliceAxis', axis, x.shape);
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
    throw new ShapeError(`sliceAxis: start and end must be integers, got ${start} and ${end}`);
  }
  const n = x.shape[a];
  const clampIndex = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIndex(start);
  const e = Math.max(end === undefined ? n : clampIndex(end), s);
  const starts = x.shape.map((_, i) => (i === a ? s : 0));
  const sizes = x.shape.map((d, i) => (i === a ? e - s : d));
  return slice(x, starts, sizes);
}

/** Element `i` along `axis`, with that axis removed (`x[:, i]` for axis 1). */
export function index(x: Tensor, axis: number, i: number): Tensor {
  const a = normalizeAxis('index', axis, x.shape);
  const n = x.shape[a];
  const at = i < 0 ? i + n : i;
  if (!Number.isInteger(at) || at < 0 || at >= n) throw new ShapeError(`index: ${i} is out of range for axis ${a} of ${formatShape(x.shape)}`);
  return reshape(sliceAxis(x, a, at, at + 1), x.shape.filter((_, k) => k !== a));
}

/** The registered op behind {@link pad}. */
export const padOp = defineOp<{ before: number[]; after: number[] }>({
  name: 'pad',
  forward: ([x], { before, after }) => backend().pad(x, before, after),
  vjp: ([g], { inputs: [x], attrs: { before } }) => [slice(g, before, x.shape)],
});

/** Zero padding: `paddings[i] = [before, after]` for axis `i`. */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[]): Tensor {
  if (paddings.length !== x.rank || paddings.some(([b, a]) => !(Number.isInteger(b) && Number.isInteger(a) && b >= 0 && a >= 0))) {
    throw new ShapeError(`pad: ${formatShape(x.shape)} needs ${x.rank} non-negative [before, after] pairs`);
  }
  if (paddings.every(([b, a]) => b === 0 && a === 0)) return x;
  return padOp.run([x], { before: paddings.map((p) => p[0]), after: paddings.map((p) => p[1]) })[0];
}

/** The registered op behind {@link concat}. */
export const concatOp = defineOp<{ axis: number }>({
  name: 'concat',
  forward: (xs, { axis }) => backend().concat(xs, axis),
  vjp: ([g], { inputs, attrs: { axis } }) => splitOp.run([g], { axis, sizes: inputs.map((x) => x.shape[axis]) }),
});

/**
 * One op with one output per part, so splitting a sequence into its T steps is a single
 * tape entry whose backward rule is a single concat — not T slices whose gradients
 * would each be padded back to the full size.
 */
export const splitOp = defineOp<{ axis: number; sizes: number[] }>({
  name: 'split',
  forward: ([x], { axis, sizes }) => {
    let at = 0;
    return sizes.map((size) => {
      const starts = x.shape.map((_, i) => (i === axis ? at : 0));
      const shape = x.shape.map((d, i) => (i === axis ? size : d));
      at += size;
      return backend().slice(x, starts, shape);
    });
  },
  vjp: (cotangents, { attrs: { axis } }) => [concat(cotangents, axis)],
});

/** Joins tensors along an existing axis; all other dimensions must agree. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('concat: needs at least one tensor');
  const a = normalizeAxis('concat', axis, xs[0].shape);
  const ref: Shape = xs[0].shape;
  for (const x of xs) {
    if (x.rank !== ref.length || x.shape.some((d, i) => i !== a && d !== ref[i])) {
      throw new ShapeError(`concat: shapes ${xs.map((t) => formatShape(t.shape)).join(', ')} differ outside axis ${a}`);
    }
  }
  if (xs.length === 1) return xs[0];
  return concatOp.run(asTensors('concat', [...xs]), { axis: a })[0];
}

/** Stacks tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('stack: needs at least one tensor');
  const ref = xs[0].shape;
  for (const x of xs) {
    if (x.rank !== ref.length || x.shape.some((d, i) => d !== ref[i])) {
      throw new ShapeError(`stack: shapes ${xs.map((t) => formatShape(t.shape)).join(', ')} differ`);
    }
  }
  const a = normalizeAxis('stack', axis, ref.length + 1);
  return concat(xs.map((x) => unsqueeze(x, a)), a);
}

/** Splits `x` along `axis` into `sections` equal parts, or into parts of the given sizes. */
export function split(x: Tensor, sections: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis('split', axis, x.shape);
  const n = x.shape[a];
  let sizes: number[];
  if (typeof sections === 'number') {
    if (!Number.isInteger(sections) || sections <= 0 || n % sections !== 0) {
      throw new ShapeError(`split: axis ${a} of ${formatShape(x.shape)} does not split into ${sections} equal parts`);
    }
    sizes = new Array<number>(sections).fill(n / sections);
  } else {
    sizes = [...sections];
    if (sizes.some((d) => !Number.isInteger(d) || d < 0) || sizes.reduce((s, d) => s + d, 0) !== n) {
      throw new ShapeError(`split: sizes [${sizes.join(',')}] are not non-negative integers adding up to ${n} (axis ${a} of ${formatShape(x.shape)})`);
    }
  }
  return splitOp.run([x], { axis: a, sizes });
}

/** Splits `x` into its slices along `axis`, removing that axis (the inverse of {@link stack}). */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  const a = normalizeAxis('unstack', axis, x.shape);
  const shape = x.shape.filter((_, k) => k !== a);
  return split(x, x.shape[a], a).map((part) => reshape(part, shape));
}
