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
 * The {@link copyBlock} of rank 0 to 2 as one strided copy command; undefined for higher
 * ranks (their blocks are not one run per row).
 */
export function blockCommand(
  src: TypedArray, srcShape: Shape, srcStart: readonly number[],
  dst: TypedArray, dstShape: Shape, dstStart: readonly number[],
  size: readonly number[],
): CopyCommand | undefined {
  const rank = size.length;
  if (rank > 2) return undefined;
  const rows = rank === 2 ? size[0] : 1;
  const length = rank === 0 ? 1 : size[rank - 1];
  const sw = rank === 2 ? srcShape[1] : 0;
  const dw = rank === 2 ? dstShape[1] : 0;
  const offset = (start: readonly number[], width: number): number => (rank === 2 ? start[0] * width + start[1] : rank === 1 ? start[0] : 0);
  return { kind: 'copy', src, srcStart: offset(srcStart, sw), srcStride: sw, dst, dstStart: offset(dstStart, dw), dstStride: dw, rows, length };
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
