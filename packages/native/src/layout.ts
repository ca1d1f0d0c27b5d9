import type { Shape, Tensor, TypedArray } from '@tapestry/core';
import { sizeOf, stridesOf } from '@tapestry/core';
import type { Addon } from './addon.js';
import { outputArray } from './storage.js';

// Layout kernels that copy whole contiguous rows: the same copies as the TypeScript
// kernels (TypedArray.set, a memcpy), into pooled storage. What they cost there was
// mostly the fresh output's page faults — the backward pass concatenates T steps'
// gradients into one [T·B, 4H] operand per weight.

type TensorClass = new (shape: Shape, data: TypedArray) => Tensor;
const like = (t: Tensor, shape: Shape, data: TypedArray): Tensor => new (t.constructor as TensorClass)([...shape], data);

/** Joins tensors along `axis` (shapes checked by the op). */
export function concatRows(addon: Addon, xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0];
  const total = xs.reduce((n, t) => n + t.shape[axis], 0);
  const shape = first.shape.map((d, i) => (i === axis ? total : d));
  const out = outputArray(addon, first.dtype, sizeOf(shape));
  const outer = sizeOf(first.shape.slice(0, axis));
  const inner = sizeOf(first.shape.slice(axis + 1));
  const rowOut = total * inner;
  let at = 0;
  for (const t of xs) {
    const row = t.shape[axis] * inner;
    const src = t.data;
    if (outer === 1) out.set(src.subarray(0, row), at);
    else for (let o = 0; o < outer; o++) out.set(src.subarray(o * row, (o + 1) * row), o * rowOut + at);
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
  const index = new Array<number>(axis).fill(0);
  for (let at = 0; at < out.length; at += row) {
    let offset = base;
    for (let d = 0; d < axis; d++) offset += index[d] * strides[d];
    out.set(src.subarray(offset, offset + row), at);
    for (let d = axis - 1; d >= 0; d--) {
      if (++index[d] < sizes[d]) break;
      index[d] = 0;
    }
  }
  return like(x, sizes, out);
}
