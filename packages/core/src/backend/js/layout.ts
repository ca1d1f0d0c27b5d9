import type { Shape } from '../../tensor/shape.js';
import { joinLayout, sizeOf, stridesOf } from '../../tensor/shape.js';
import { allocate } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { broadcastStrides, forEachRow } from './elementwise.js';

/** Copies a strided view (`shape`, `strides`, `offset`) of `x` into a fresh contiguous tensor. */
function gatherStrided(x: Tensor, shape: Shape, strides: number[], offset = 0): Tensor {
  const out = allocate(x.dtype, sizeOf(shape));
  const src = x.data;
  const inner = shape.length > 0 ? strides[shape.length - 1] : 0;
  forEachRow(shape, [strides], (len, [o], io) => {
    const base = o + offset;
    // Contiguous rows are one memcpy (whatever the dtype; a shared element loop would
    // turn polymorphic over float32, float64 and int32 arrays).
    if (inner === 1) out.set(src.subarray(base, base + len), io);
    else for (let i = 0; i < len; i++) out[io + i] = src[base + i * inner];
  });
  return new Tensor([...shape], out);
}

/** Reorders axes: output axis `i` is input axis `perm[i]`. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const strides = stridesOf(x.shape);
  return gatherStrided(x, perm.map((p) => x.shape[p]), perm.map((p) => strides[p]));
}

/** Repeats `x` along broadcast axes to `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  return gatherStrided(x, shape, broadcastStrides(x.shape, shape));
}

/** The block `starts[i] .. starts[i] + sizes[i]` along every axis. */
export function slice(x: Tensor, starts: readonly number[], sizes: readonly number[]): Tensor {
  const strides = stridesOf(x.shape);
  let offset = 0;
  starts.forEach((s, i) => (offset += s * strides[i]));
  return gatherStrided(x, sizes, strides, offset);
}

/** Zero padding: `before[i]` zeros before and `after[i]` after along axis `i`. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  const shape = x.shape.map((d, i) => d + before[i] + after[i]);
  const out = allocate(x.dtype, sizeOf(shape));
  const outStrides = stridesOf(shape);
  let offset = 0;
  before.forEach((b, i) => (offset += b * outStrides[i]));
  const src = x.data;
  forEachRow(x.shape, [outStrides.slice()], (len, [o], io) => {
    for (let i = 0; i < len; i++) out[offset + o + i] = src[io + i];
  });
  return new Tensor(shape, out);
}

/** Joins tensors along `axis` (all other axes equal). */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const { shape, outer, inner, rowLength: rowOut } = joinLayout(xs.map((t) => t.shape), axis);
  const out = allocate(xs[0].dtype, sizeOf(shape));
  let at = 0;
  for (const t of xs) {
    const row = t.shape[axis] * inner;
    const src = t.data;
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * row, (o + 1) * row), o * rowOut + at);
    at += row;
  }
  return new Tensor(shape, out);
}
