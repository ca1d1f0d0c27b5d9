import { backend } from '../backend/current.js';
import { ShapeError } from '../errors.js';
import type { Shape } from '../tensor/shape.js';
import { broadcastShapes, checkShape, formatShape, normalizeAxis, shapesEqual, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { defineOp } from './op.js';

/** Shares storage: tensors are immutable, so a reshape is free. */
export const reshapeOp = defineOp<{ shape: number[] }>({
  name: 'reshape',
  forward: ([x], { shape }) => new Tensor(shape, x.data),
  vjp: ([g], { inputs: [x] }) => [reshape(g, x.shape)],
});

/**
 * Gives `x` a new shape with the same number of elements; one dimension may be -1
 * (inferred).
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = resolveShape(x, shape);
  if (shapesEqual(resolved, x.shape)) return x;
  return reshapeOp.run([x], { shape: resolved })[0];
}

function resolveShape(x: Tensor, shape: Shape): number[] {
  const unknown = shape.indexOf(-1);
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const out = [...shape];
  if (unknown >= 0) {
    if (shape.lastIndexOf(-1) !== unknown || known === 0 || x.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    }
    out[unknown] = x.size / known;
  }
  if (out.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(out) !== x.size) {
    throw new ShapeError(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
  }
  return out;
}

/** The registered op behind {@link permute}. */
export const permuteOp = defineOp<{ perm: number[] }>({
  name: 'permute',
  forward: ([x], { perm }) => backend().permute(x, perm),
  vjp: ([g], { attrs: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [permute(g, inverse)];
  },
});

/** Reorders axes: output axis `i` is input axis `perm[i]`. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const resolved = perm.map((p) => normalizeAxis('permute', p, x.shape));
  if (resolved.length !== x.rank || new Set(resolved).size !== x.rank) {
    throw new ShapeError(`permute: [${perm.join(',')}] is not a permutation of the axes of ${formatShape(x.shape)}`);
  }
  if (resolved.every((p, i) => p === i)) return x;
  return permuteOp.run([x], { perm: resolved })[0];
}

/** Swaps two axes (by default the last two: the matrix transpose). */
export function transpose(x: Tensor, axis1 = -2, axis2 = -1): Tensor {
  if (x.rank < 2 && axis1 === -2) throw new ShapeError(`transpose: needs rank >= 2, got ${formatShape(x.shape)}`);
  const a = normalizeAxis('transpose', axis1, x.shape);
  const b = normalizeAxis('transpose', axis2, x.shape);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}

/** The registered op behind {@link broadcastTo}. */
export const broadcastToOp = defineOp<{ shape: number[] }>({
  name: 'broadcastTo',
  forward: ([x], { shape }) => backend().broadcastTo(x, shape),
  // The cotangent has the broadcast shape; the tape sums it back to x's shape.
  vjp: ([g]) => [g],
});

/** Repeats `x` along size-1 or missing leading axes to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkShape('broadcastTo', shape);
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(target, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  if (shapesEqual(x.shape, shape)) return x;
  return broadcastToOp.run([x], { shape: [...shape] })[0];
}

/** Inserts a size-1 axis at `axis` (which may be `rank`, or negative). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const at = normalizeAxis('unsqueeze', axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, at), 1, ...x.shape.slice(at)]);
}

/** Removes size-1 axes: the given ones (which must have size 1), or all of them. */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  if (axes === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const list = (typeof axes === 'number' ? [axes] : axes).map((a) => normalizeAxis('squeeze', a, x.shape));
  for (const a of list) {
    if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(x, x.shape.filter((_, i) => !list.includes(i)));
}
