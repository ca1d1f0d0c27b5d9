// Shared test helpers: naive reference implementations written with explicit
// multi-indices (deliberately nothing like the kernels' strided loops) and closeness
// assertions that report the worst element.
import { expect } from 'vitest';
import type { Rng, Tensor } from '../src/index.js';

/** Row-major strides, computed independently of the library. */
export function strides(shape: readonly number[]): number[] {
  const out: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out.unshift(s);
    s *= shape[i];
  }
  return out;
}

/** Number of elements. */
export function count(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Flat index → multi-index. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  return shape.map((_, d) => Math.floor(flat / strides(shape)[d]) % shape[d]);
}

/** Multi-index → flat index. */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  const st = strides(shape);
  return index.reduce((n, i, d) => n + i * st[d], 0);
}

/** Every multi-index of `shape` in row-major order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = count(shape);
  for (let i = 0; i < n; i++) yield unravel(i, shape);
}

/** Element of `data` (of `shape`) seen through NumPy broadcasting at `outIndex`. */
export function broadcastRead(data: ArrayLike<number>, shape: readonly number[], outIndex: readonly number[]): number {
  const lead = outIndex.length - shape.length;
  const idx = shape.map((d, i) => (d === 1 ? 0 : outIndex[lead + i]));
  return data[ravel(idx, shape)];
}

/** NumPy broadcast of shapes, written from the rules. */
export function naiveBroadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(Math.max(da, db) === 0 || Math.min(da, db) === 0 ? 0 : Math.max(da, db));
  }
  return out;
}

/** A float64 tensor of normal draws from a seeded generator. */
export function randn(rng: Rng, shape: readonly number[], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return rng.normal(shape, { dtype });
}

/** Tolerances for {@link expectClose}. */
export interface Tol {
  rtol?: number;
  atol?: number;
}

/**
 * Asserts `actual ≈ expected` element-wise (`|a − e| <= atol + rtol·|e|`), with NaN equal
 * to NaN and infinities equal by sign; the failure names the worst flat index.
 */
export function expectClose(actual: Tensor | ArrayLike<number>, expected: ArrayLike<number>, { rtol = 1e-12, atol = 1e-12 }: Tol = {}): void {
  const a = 'data' in actual ? actual.data : actual;
  expect(a.length, 'number of elements').toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = expected[i];
    if (Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= atol + rtol * Math.abs(y)) continue;
    const excess = Number.isNaN(x) || !Number.isFinite(y) ? Infinity : Math.abs(x - y) / (atol + rtol * Math.abs(y));
    if (worst < 0 || excess > worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst}: got ${a[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Asserts a tensor's shape and values exactly. */
export function expectTensor(t: Tensor, shape: readonly number[], values: readonly number[]): void {
  expect(t.shape).toEqual(shape);
  expect(Array.from(t.data)).toEqual(values);
}
