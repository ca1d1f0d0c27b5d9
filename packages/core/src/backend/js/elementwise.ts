import type { BinaryKind, UnaryKind } from '../backend.js';
import { binaryLoop, unaryLoop } from './elementwise-loops.js';
import { allocate } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

// The loops themselves (generated per kind and dtype) live in elementwise-loops.ts.
export { binaryLoop, unaryLoop } from './elementwise-loops.js';

/** Applies a unary element-wise function. */
export function unary(kind: UnaryKind, x: Tensor, p0 = 0, p1 = 0): Tensor {
  const out = allocate(x.dtype, x.size);
  unaryLoop(x.dtype, kind)(x.data, out, x.size, p0, p1);
  return new Tensor(x.shape, out);
}

/** Strides of `shape` seen through broadcasting to `outShape` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => (i < offset || shape[i - offset] === 1 ? 0 : strides[i - offset]));
}

/**
 * Applies a binary element-wise function with NumPy broadcasting. The innermost axis is
 * one tight loop; the outer axes are walked with an odometer, so broadcasting costs
 * nothing per element.
 */
export function binary(kind: BinaryKind, a: Tensor, b: Tensor, outShape: Shape): Tensor {
  const n = sizeOf(outShape);
  const out = allocate(a.dtype, n);
  const loop = binaryLoop(a.dtype, kind);
  if (a.size === n && b.size === n) {
    loop(a.data, 0, 1, b.data, 0, 1, out, 0, n);
  } else if (b.size === 1 && a.size === n) {
    loop(a.data, 0, 1, b.data, 0, 0, out, 0, n);
  } else if (a.size === 1 && b.size === n) {
    loop(a.data, 0, 0, b.data, 0, 1, out, 0, n);
  } else {
    const strides = [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape)];
    const last = outShape.length - 1;
    const sa = strides[0][last], sb = strides[1][last];
    forEachRow(outShape, strides, (inner, offsets, io) => loop(a.data, offsets[0], sa, b.data, offsets[1], sb, out, io, inner));
  }
  return new Tensor(outShape, out); // the constructor copies the shape
}

/**
 * Walks every row (all axes but the last) of `outShape`, calling `visit` with the row
 * length, the starting offset of each operand (given its strides) and the output offset.
 */
export function forEachRow(
  outShape: Shape,
  operandStrides: readonly number[][],
  visit: (inner: number, offsets: number[], outOffset: number) => void,
): void {
  const rank = outShape.length;
  if (rank === 0) {
    visit(1, operandStrides.map(() => 0), 0);
    return;
  }
  const inner = outShape[rank - 1];
  const rows = sizeOf(outShape) / Math.max(inner, 1);
  if (inner === 0) return;
  const index = new Array<number>(rank - 1).fill(0);
  const offsets = operandStrides.map(() => 0);
  for (let r = 0; r < rows; r++) {
    visit(inner, offsets, r * inner);
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      for (let k = 0; k < offsets.length; k++) offsets[k] += operandStrides[k][d];
      if (index[d] < outShape[d]) break;
      for (let k = 0; k < offsets.length; k++) offsets[k] -= operandStrides[k][d] * outShape[d];
      index[d] = 0;
    }
  }
}

/** `cond ? a : b` element-wise, all three broadcast to `outShape`. */
export function where(cond: Tensor, a: Tensor, b: Tensor, outShape: Shape): Tensor {
  const n = sizeOf(outShape);
  const out = allocate(a.dtype, n);
  const c = cond.data, ad = a.data, bd = b.data;
  const strides = [cond, a, b].map((t) => broadcastStrides(t.shape, outShape));
  const last = outShape.length - 1;
  const inner = strides.map((s) => (last >= 0 ? s[last] : 0));
  forEachRow(outShape, strides, (len, [oc, oa, ob], io) => {
    for (let i = 0; i < len; i++) out[io + i] = c[oc + i * inner[0]] !== 0 ? ad[oa + i * inner[1]] : bd[ob + i * inner[2]];
  });
  return new Tensor([...outShape], out);
}
