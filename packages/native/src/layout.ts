import type { Shape, Tensor, TypedArray } from '@tapestry/core';
import { joinLayout, sizeOf, stridesOf } from '@tapestry/core';
import type { Addon } from './addon.js';
import { outputArray } from './storage.js';

// Layout kernels that copy whole contiguous rows into pooled storage: one memcpy when the
// copy is one block, else one call into the addon per block of rows (TypedArray.set per
// row cost a subarray each: a [32, 3H] gate block is 32 rows). In the TypeScript kernels
// they cost mostly the fresh output's page faults — the backward pass concatenates T
// steps' gradients into one [T·B, 4H] operand per weight.

type TensorClass = new (shape: Shape, data: TypedArray) => Tensor;
const like = (t: Tensor, shape: Shape, data: TypedArray): Tensor => new (t.constructor as TensorClass)([...shape], data);

/** Joins tensors along `axis` (shapes checked by the op). */
export function concatRows(addon: Addon, xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0];
  const { shape, outer, inner, rowLength: rowOut } = joinLayout(xs.map((t) => t.shape), axis);
  const out = outputArray(addon, first.dtype, sizeOf(shape));
  let at = 0;
  for (const t of xs) {
    const row = t.shape[axis] * inner;
    const src = t.data;
    if (outer === 1) out.set(src.subarray(0, row), at);
    else addon.copyRows(src, 0, row, out, at, rowOut, outer, row);
    at += row;
  }
  return like(first, shape, out);
}

/** The block `starts[i] .. starts[i] + sizes[i]` along every axis, copied row by row. */
export function sliceRows(addon: Addon, x: Tensor, starts: readonly number[], sizes: readonly number[]): Tensor {
  const out = outputArray(addon, x.dtype, sizeOf(sizes));
  const rank = sizes.length;
  if (out.length === 0) return like(x, sizes, out);
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let d = 0; d < rank; d++) base += starts[d] * strides[d];
  // Merge the trailing axes the slice covers whole into one contiguous row.
  let row = 1, axis = rank;
  while (axis > 0) {
    row *= sizes[axis - 1];
    axis--;
    if (sizes[axis] !== x.shape[axis]) break;
  }
  const src = x.data;
  if (axis === 0) {
    out.set(src.subarray(base, base + row));
    return like(x, sizes, out);
  }
  // Rows along the innermost uncovered axis in one call; the axes outside it in a loop.
  const rows = sizes[axis - 1], stride = strides[axis - 1];
  const index = new Array<number>(axis - 1).fill(0);
  for (let at = 0; at < out.length; at += rows * row) {
    let offset = base;
    for (let d = 0; d < axis - 1; d++) offset += index[d] * strides[d];
    addon.copyRows(src, offset, stride, out, at, row, rows, row);
    for (let d = axis - 2; d >= 0; d--) {
      if (++index[d] < sizes[d]) break;
      index[d] = 0;
    }
  }
  return like(x, sizes, out);
}
