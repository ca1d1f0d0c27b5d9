import type { TypedArray } from '../tensor/dtype.js';
import { copyRun } from './block-copy.js';

// Moving one time step between a `[B, T, …]` sequence tensor and a `[B, …]` step buffer:
// B contiguous rows of `inner` elements each, `T · inner` apart in the sequence.

/** `dst[b] = seq[b, t]` for every b. */
export function readStep(seq: TypedArray, T: number, t: number, dst: TypedArray, B: number, inner: number): void {
  if (inner === 1) {
    for (let b = 0; b < B; b++) dst[b] = seq[b * T + t];
    return;
  }
  for (let b = 0; b < B; b++) copyRun(seq, (b * T + t) * inner, dst, b * inner, inner);
}

/** `seq[b, t] = src[b]` for every b. */
export function writeStep(src: TypedArray, seq: TypedArray, T: number, t: number, B: number, inner: number): void {
  if (inner === 1) {
    for (let b = 0; b < B; b++) seq[b * T + t] = src[b];
    return;
  }
  for (let b = 0; b < B; b++) copyRun(src, b * inner, seq, (b * T + t) * inner, inner);
}

/** `acc += x`, one loop per array type (a loop shared by float32 and float64 arrays runs on slow generic access). */
export function addInto(acc: TypedArray, x: TypedArray): void {
  if (acc instanceof Float64Array) addFloat64(acc, x as Float64Array);
  else addFloat32(acc as Float32Array, x as Float32Array);
}

function addFloat64(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

function addFloat32(a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}
