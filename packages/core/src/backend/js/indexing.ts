import type { Shape } from '../../tensor/shape.js';
import { sizeOf } from '../../tensor/shape.js';
import { allocate } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

function split3(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** NumPy `take` along `axis`: every index selects a whole slice (an embedding lookup for axis 0). */
export function gather(x: Tensor, indices: Tensor, axis: number): Tensor {
  const [outer, n, inner] = split3(x.shape, axis);
  const idx = indices.data;
  const m = idx.length;
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = allocate(x.dtype, outer * m * inner);
  const src = x.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * n + idx[j]) * inner;
      out.set(src.subarray(from, from + inner), (o * m + j) * inner);
    }
  }
  return new Tensor(shape, out);
}

/** Adds each slice of `updates` into row `indices[j]` of a zero tensor with `size` rows along `axis`. */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, size: number): Tensor {
  const m = indices.size;
  const outer = sizeOf(updates.shape.slice(0, axis));
  const inner = sizeOf(updates.shape.slice(axis + indices.rank));
  const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + indices.rank)];
  const out = allocate(updates.dtype, outer * size * inner);
  const src = updates.data;
  const idx = indices.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * size + idx[j]) * inner;
      const from = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] += src[from + i];
    }
  }
  return new Tensor(shape, out);
}

/** NumPy `take_along_axis`: `out[..., j, ...] = x[..., indices[..., j, ...], ...]`. */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  const [outer, n, inner] = split3(x.shape, axis);
  const m = indices.shape[axis];
  const out = allocate(x.dtype, indices.size);
  const src = x.data, idx = indices.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[at + i] = src[(o * n + idx[at + i]) * inner + i];
    }
  }
  return new Tensor(indices.shape, out);
}

/** The adjoint of {@link takeAlongAxis}: adds `values` at `indices` into zeros of `shape`. */
export function putAlongAxis(values: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  const [outer, n, inner] = split3(shape, axis);
  const m = indices.shape[axis];
  const out = allocate(values.dtype, sizeOf(shape));
  const src = values.data, idx = indices.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[(o * n + idx[at + i]) * inner + i] += src[at + i];
    }
  }
  return new Tensor([...shape], out);
}
