import type { CopyCommand } from '../backend/step-commands.js';
import type { TypedArray } from '../tensor/dtype.js';
import { stridesOf, type Shape } from '../tensor/shape.js';

/**
 * Copies the block of `size` elements (per axis) at `srcStart` of a row-major `src`
 * of shape `srcShape` to `dstStart` of `dst` of shape `dstShape` (same rank). The
 * innermost axis is one {@link copyRun}; the outer axes are an odometer.
 */
export function copyBlock(
  src: TypedArray, srcShape: Shape, srcStart: readonly number[],
  dst: TypedArray, dstShape: Shape, dstStart: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  if (rank === 2) {
    // The common case (gate slices of a [B, 4H] product): no stride arrays, no odometer.
    const sw = srcShape[1];
    const dw = dstShape[1];
    for (let r = 0; r < size[0]; r++) copyRun(src, (srcStart[0] + r) * sw + srcStart[1], dst, (dstStart[0] + r) * dw + dstStart[1], size[1]);
    return;
  }
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  const inner = size[rank - 1];
  if (size.some((n) => n === 0)) return;
  const index = new Array<number>(rank - 1).fill(0);
  for (;;) {
    let s = srcStart[rank - 1];
    let d = dstStart[rank - 1];
    for (let a = 0; a < rank - 1; a++) {
      s += (srcStart[a] + index[a]) * ss[a];
      d += (dstStart[a] + index[a]) * ds[a];
    }
    copyRun(src, s, dst, d, inner);
    let a = rank - 2;
    while (a >= 0 && ++index[a] === size[a]) index[a--] = 0;
    if (a < 0) return;
  }
}

/**
 * The {@link copyBlock} as one strided copy command — rows of one contiguous run each —
 * or undefined when the block is not of that form. Axes of size 1 only move the start;
 * an axis joins the run below it when that run spans its whole rows in both arrays, and
 * joins the rows when it steps them evenly in both (a `[B, 1, F]` step of a `[B, T, F]`
 * sequence is B runs of F; a `[B, T, F]` concatenation part is B·T runs).
 */
export function blockCommand(
  src: TypedArray, srcShape: Shape, srcStart: readonly number[],
  dst: TypedArray, dstShape: Shape, dstStart: readonly number[],
  size: readonly number[],
): CopyCommand | undefined {
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  let srcOffset = 0;
  let dstOffset = 0;
  for (let a = 0; a < size.length; a++) {
    srcOffset += srcStart[a] * ss[a];
    dstOffset += dstStart[a] * ds[a];
  }
  const copy = (rows: number, srcStride: number, dstStride: number, length: number): CopyCommand => ({ kind: 'copy', src, srcStart: srcOffset, srcStride, dst, dstStart: dstOffset, dstStride, rows, length });
  if (size.some((n) => n === 0)) return copy(0, 0, 0, 0);
  // The contiguous run, from the innermost axis out.
  let a = size.length - 1;
  let length = 1;
  while (a >= 0 && (size[a] === 1 || (ss[a] === length && ds[a] === length))) length *= size[a--];
  // The rows: the next axis of size > 1, and any outer one that continues its stepping.
  while (a >= 0 && size[a] === 1) a--;
  if (a < 0) return copy(1, 0, 0, length);
  const srcStride = ss[a];
  const dstStride = ds[a];
  let rows = size[a--];
  for (; a >= 0; a--) {
    if (size[a] === 1) continue;
    if (ss[a] !== srcStride * rows || ds[a] !== dstStride * rows) return undefined;
    rows *= size[a];
  }
  return copy(rows, srcStride, dstStride, length);
}

/**
 * `dst[d … d+n) = src[s … s+n)`. Short runs (a hidden-16 row) are copied element by
 * element: `set(subarray(…))` creates a view object per call, and at one call per row
 * of every slice of every step those views were a tenth of a small model's run time
 * (allocation and garbage collection); long runs use `set`, a memory copy.
 */
export function copyRun(src: TypedArray, s: number, dst: TypedArray, d: number, n: number): void {
  if (n <= SHORT_RUN) for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
  else dst.set(src.subarray(s, s + n), d);
}

/** Up to this many elements a loop beats a view and a memory copy. */
const SHORT_RUN = 64;

/** Writes `src` broadcast (NumPy rules) to `dstShape` into `dst`. */
export function broadcastInto(src: TypedArray, srcShape: Shape, dst: TypedArray, dstShape: Shape): void {
  const rank = dstShape.length;
  const lead = rank - srcShape.length;
  const srcStrides = stridesOf(srcShape);
  const strides = dstShape.map((_, i) => (i < lead || srcShape[i - lead] === 1 ? 0 : srcStrides[i - lead]));
  const n = dst.length;
  const index = new Array<number>(rank).fill(0);
  let s = 0;
  for (let j = 0; j < n; j++) {
    dst[j] = src[s];
    let a = rank - 1;
    while (a >= 0) {
      index[a]++;
      s += strides[a];
      if (index[a] < dstShape[a]) break;
      s -= strides[a] * dstShape[a];
      index[a--] = 0;
    }
  }
}
