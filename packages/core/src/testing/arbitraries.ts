import fc from 'fast-check';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { sizeOf } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

/** Limits for generated shapes. */
export interface ShapeConstraints {
  /** Fewest axes (default 0: scalars included). */
  minRank?: number;
  /** Most axes (default 3). */
  maxRank?: number;
  /** Smallest dimension (default 1). */
  minDim?: number;
  /** Largest dimension (default 4). */
  maxDim?: number;
}

/** Limits for generated values. */
export interface ValueConstraints {
  /** Smallest value (default -2). */
  min?: number;
  /** Largest value (default 2). */
  max?: number;
  /** dtype of the tensor (default float64). */
  dtype?: DType;
  /** Keep values at least this far from zero (for log, div, abs, relu kinks…). */
  awayFromZero?: number;
}

/** Shapes of rank `minRank..maxRank` (default 0..3) with dimensions `minDim..maxDim` (default 1..4). */
export function shapeArb(c: ShapeConstraints = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 3, minDim = 1, maxDim = 4 } = c;
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/**
 * `count` shapes that broadcast together. A base shape is drawn; each operand then
 * keeps every axis, or sets it to 1, independently (so `[3,1]` with `[1,4]` occurs),
 * and may drop some leading axes.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { broadcastableShapesArb } from '@tapestry/core/testing';
 * fc.sample(broadcastableShapesArb(3), 1); // e.g. [[[2,1,4],[4],[2,3,1]]]
 * ```
 */
export function broadcastableShapesArb(count: number, c: ShapeConstraints = {}): fc.Arbitrary<number[][]> {
  const one = (shape: number[]): fc.Arbitrary<number[]> =>
    fc
      .tuple(fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }), fc.integer({ min: 0, max: shape.length }))
      .map(([ones, drop]) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(Math.min(drop, Math.max(0, shape.length - (c.minRank ?? 0)))));
  return shapeArb(c).chain((shape) => fc.tuple(...Array.from({ length: count }, () => one(shape))));
}

/** Two shapes that broadcast together (see {@link broadcastableShapesArb}). */
export function broadcastablePairArb(c: ShapeConstraints = {}): fc.Arbitrary<[number[], number[]]> {
  return broadcastableShapesArb(2, c).map(([a, b]) => [a, b] as [number[], number[]]);
}

/** Values for a tensor of `shape`, as a float64 (default) tensor. */
export function tensorArb(shape: Shape, c: ValueConstraints = {}): fc.Arbitrary<Tensor> {
  const { min = -2, max = 2, dtype = 'float64', awayFromZero = 0 } = c;
  const value = fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).filter((v) => Math.abs(v) >= awayFromZero);
  const n = sizeOf(shape);
  return fc.array(value, { minLength: n, maxLength: n }).map((data) => tensor(new Float64Array(data), { shape, dtype }));
}

/** A tensor of a random shape (see {@link shapeArb}) and random values. */
export function anyTensorArb(shape: ShapeConstraints = {}, values: ValueConstraints = {}): fc.Arbitrary<Tensor> {
  return shapeArb(shape).chain((s) => tensorArb(s, values));
}

/** Number of runs for property tests: `TAPESTRY_NUM_RUNS` when set (the nightly job), else `fallback`. */
export function propertyRuns(fallback: number): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TAPESTRY_NUM_RUNS;
  const n = env === undefined ? NaN : Number(env);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
