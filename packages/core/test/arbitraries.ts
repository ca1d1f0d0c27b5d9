// Value arbitraries for gradient checks. Non-smooth points (relu/abs at 0, max ties,
// clamp bounds, maximum/minimum ties) are avoided by construction — values keep a margin
// of at least 0.05 from every kink, far more than the ±2h = ±2e-3 reach of the
// central-difference stencil — never by loosening tolerances.
import fc from 'fast-check';
import { tensor, type Tensor } from '../src/index.js';
import { tensorArb } from '../src/testing/index.js';
import { count } from './helpers.js';

/** Float64 values uniformly-ish in [min, max]. */
export function vals(shape: readonly number[], min = -2, max = 2): fc.Arbitrary<Tensor> {
  return tensorArb(shape, { min, max });
}

/** Values in [-max, max] with |x| >= margin (for relu, abs, reciprocal, division). */
export function awayFromZero(shape: readonly number[], margin: number, max = 2): fc.Arbitrary<Tensor> {
  const n = count(shape);
  const v = fc.tuple(fc.boolean(), fc.double({ min: margin, max, noNaN: true })).map(([neg, m]) => (neg ? -m : m));
  return fc.array(v, { minLength: n, maxLength: n }).map((d) => tensor(new Float64Array(d), { shape, dtype: 'float64' }));
}

/**
 * Values on the grid `offset + k/2` (k in −4..4) with jitter in ±0.05: two tensors with
 * offsets 0 and 0.25 differ by at least 0.15 everywhere (maximum/minimum never tie).
 */
export function grid(shape: readonly number[], offset: number): fc.Arbitrary<Tensor> {
  const n = count(shape);
  const v = fc.tuple(fc.integer({ min: -4, max: 4 }), fc.double({ min: -0.05, max: 0.05, noNaN: true })).map(([k, j]) => offset + k / 2 + j);
  return fc.array(v, { minLength: n, maxLength: n }).map((d) => tensor(new Float64Array(d), { shape, dtype: 'float64' }));
}

/** Pairwise distinct values at least 0.25 apart (max/min reductions never tie). */
export function distinct(shape: readonly number[]): fc.Arbitrary<Tensor> {
  const n = count(shape);
  return fc
    .tuple(
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      fc.array(fc.double({ min: 0, max: 0.05, noNaN: true }), { minLength: n, maxLength: n }),
    )
    .map(([perm, jitter]) => tensor(Float64Array.from(perm, (p, i) => (p - n / 2) * 0.3 + jitter[i]), { shape, dtype: 'float64' }));
}

/** Values on a 2⁻¹⁰ grid in [-2, 2]: exactly representable in float32, as are x ± 2·2⁻¹⁰. */
export function float32Exact(shape: readonly number[]): fc.Arbitrary<Tensor> {
  const n = count(shape);
  return fc.array(fc.integer({ min: -2048, max: 2048 }), { minLength: n, maxLength: n }).map((d) => tensor(Float64Array.from(d, (k) => k / 1024), { shape, dtype: 'float64' }));
}

/** A 0/1 float mask. */
export function mask(shape: readonly number[]): fc.Arbitrary<Tensor> {
  const n = count(shape);
  return fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((d) => tensor(Float64Array.from(d, Number), { shape, dtype: 'float64' }));
}

/** int32 indices in [0, size). */
export function ints(shape: readonly number[], size: number): fc.Arbitrary<Tensor> {
  const n = count(shape);
  return fc.array(fc.integer({ min: 0, max: size - 1 }), { minLength: n, maxLength: n }).map((d) => tensor(Int32Array.from(d), { shape }));
}

/** A random subset of the axes of a rank-`rank` tensor, or `undefined` (all). */
export function axesOf(rank: number, minLength = 0): fc.Arbitrary<number[] | undefined> {
  const all = Array.from({ length: rank }, (_, i) => i);
  return fc.oneof(fc.constant(undefined), fc.subarray(all, { minLength }).chain((axes) => fc.constantFrom(axes, axes.map((a) => a - rank))));
}

/** A permutation of 0..n-1. */
export function permutation(n: number): fc.Arbitrary<number[]> {
  return fc.shuffledSubarray(
    Array.from({ length: n }, (_, i) => i),
    { minLength: n, maxLength: n },
  );
}
