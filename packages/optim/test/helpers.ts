/** Shared test helpers: small parameter trees, a convex quadratic, exact comparisons. */
import { Tensor, flatten, fromStorage } from '@tapestry/core';
import fc from 'fast-check';

export const numRuns = Number(process.env.TAPESTRY_NUM_RUNS ?? 50);

export type Dtype = 'float32' | 'float64';

/** A float tensor from a flat list. */
export function t(values: readonly number[], shape: readonly number[] = [values.length], dtype: Dtype = 'float64'): Tensor {
  return fromStorage(shape, dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values));
}

/** The flat values of every leaf, by path. */
export function values(tree: unknown): Record<string, number[]> {
  return Object.fromEntries(flatten(tree).map(({ path, leaf }) => [path, Array.from(leaf.data)]));
}

/** True when two trees hold bit-identical values (NaN payloads aside) at the same paths. */
export function bitEqual(a: unknown, b: unknown): boolean {
  const fa = flatten(a);
  const fb = new Map(flatten(b).map(({ path, leaf }) => [path, leaf]));
  if (fa.length !== fb.size) return false;
  return fa.every(({ path, leaf }) => {
    const other = fb.get(path);
    return other !== undefined && other.dtype === leaf.dtype && leaf.data.every((x, i) => Object.is(x, other.data[i]));
  });
}

/** A small two-level parameter tree like a model's. */
export function smallParams(dtype: Dtype = 'float64'): { fc: { weight: Tensor; bias: Tensor }; layers: Tensor[] } {
  return {
    fc: { weight: t([0.5, -1.25, 2, 0.75, -0.5, 1.5], [2, 3], dtype), bias: t([0.1, -0.2], [2], dtype) },
    layers: [t([1, 2, 3, 4], [2, 2], dtype), t([-3], [1], dtype)],
  };
}

/** Gradients for {@link smallParams} that change from step to step. */
export function smallGrads(step: number, dtype: Dtype = 'float64'): ReturnType<typeof smallParams> {
  const s = (i: number): number => Math.sin(1.7 * step + 0.9 * i) * (1 + 0.3 * i);
  return {
    fc: { weight: t([0, 1, 2, 3, 4, 5].map(s), [2, 3], dtype), bias: t([6, 7].map(s), [2], dtype) },
    layers: [t([8, 9, 10, 11].map(s), [2, 2], dtype), t([12].map(s), [1], dtype)],
  };
}

/**
 * A convex quadratic `½ (x − c)ᵀ A (x − c)` with `A = BᵀB + λI`, its gradient
 * `A (x − c)`, on a parameter tree `{ x }`.
 */
export interface Quadratic {
  readonly n: number;
  readonly a: number[][];
  readonly c: number[];
  readonly x0: number[];
}

export function quadraticLoss(q: Quadratic, x: ArrayLike<number>): number {
  let loss = 0;
  for (let i = 0; i < q.n; i++) for (let j = 0; j < q.n; j++) loss += 0.5 * (x[i] - q.c[i]) * q.a[i][j] * (x[j] - q.c[j]);
  return loss;
}

export function quadraticGrad(q: Quadratic, x: ArrayLike<number>): number[] {
  return q.a.map((row) => row.reduce((sum, aij, j) => sum + aij * (x[j] - q.c[j]), 0));
}

/** Random quadratics of dimension 1..6 whose start point is not already near the minimum. */
export const quadraticArb: fc.Arbitrary<Quadratic> = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => {
    const vec = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n });
    return fc.record({ n: fc.constant(n), b: fc.array(vec, { minLength: n, maxLength: n }), c: vec, x0: vec });
  })
  .map(({ n, b, c, x0 }) => {
    const a = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => b.reduce((sum, row) => sum + row[i] * row[j], 0) + (i === j ? 0.1 : 0)),
    );
    return { n, a, c, x0 };
  })
  .filter((q) => Math.hypot(...quadraticGrad(q, q.x0)) > 1e-2);

/**
 * Writes a state tree the way a checkpoint would — JSON text, tensors as shape, dtype
 * and a plain number list, non-finite numbers and −0 spelled out — and reads it back.
 */
export function throughFile(state: unknown): unknown {
  const encode = (node: unknown): unknown => {
    if (node instanceof Tensor) return { tensor: { shape: node.shape, dtype: node.dtype, data: Array.from(node.data, encodeNumber) } };
    if (typeof node === 'number') return { number: encodeNumber(node) };
    if (node === undefined) return { absent: true };
    if (Array.isArray(node)) return node.map(encode);
    return Object.fromEntries(Object.entries(node as object).map(([k, v]) => [k, encode(v)]));
  };
  const decode = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(decode);
    const r = node as Record<string, unknown>;
    if ('absent' in r) return undefined;
    if ('number' in r) return decodeNumber(r.number as number | string);
    if ('tensor' in r) {
      const { shape, dtype, data } = r.tensor as { shape: number[]; dtype: Dtype; data: (number | string)[] };
      const values = data.map(decodeNumber);
      return fromStorage(shape, dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values));
    }
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, decode(v)]));
  };
  return decode(JSON.parse(JSON.stringify(encode(state))));
}

function encodeNumber(x: number): number | string {
  return Number.isFinite(x) && !Object.is(x, -0) ? x : String(Object.is(x, -0) ? '-0' : x);
}

function decodeNumber(x: number | string): number {
  return typeof x === 'number' ? x : x === '-0' ? -0 : Number(x);
}

/** True when two state trees are identical: same structure, bit-identical tensors, numbers equal by `Object.is`. */
export function sameTree(a: unknown, b: unknown): boolean {
  if (a instanceof Tensor || b instanceof Tensor) {
    return a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype && a.shape.join() === b.shape.join() && Array.from(a.data).every((x, i) => Object.is(x, b.data[i]));
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameTree((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
