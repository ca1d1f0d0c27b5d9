import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, ValueError, type DType } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { orthogonal } from '../src/init/index.js';
import { orthonormalizeRows } from '../src/init/gram-schmidt.js';

/**
 * Largest |G − gain²·I| where G is the Gram matrix of the rows (rows ≤ cols) or of the
 * columns (rows > cols) of the row-major matrix w, accumulated in float64.
 */
function orthogonalityError(w: ArrayLike<number>, rows: number, cols: number, gain = 1): number {
  const [k, n] = rows <= cols ? [rows, cols] : [cols, rows];
  const at = rows <= cols ? (i: number, m: number) => w[i * cols + m] : (i: number, m: number) => w[m * cols + i];
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let m = 0; m < n; m++) s += at(i, m) * at(j, m);
      worst = Math.max(worst, Math.abs(s - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

// Tolerances. float64: modified Gram–Schmidt loses orthogonality like u·cond(A)
// (u = 1.1e-16); measured 1e-15 for n ≤ 100 and 3e-13 at 256 × 256, where a Gaussian's
// condition number is ~n. 1e-9 leaves a factor > 1000 even at 256, so the random-seed
// properties only fail for a matrix conditioned ~10⁶ times worse than typical
// (probability ~1e-6 by Edelman's tail P(cond/n > x) ≈ 2/x).
// float32: rounding each entry (relative 2⁻²⁴) moves a Gram entry by at most
// 2·2⁻²⁴·|w_i|·|w_j| ≈ 1.2e-7 for unit rows; measured 3e-8.
const TOL: Record<DType, number> = { float64: 1e-9, float32: 1.2e-7 + 1e-9, int32: NaN };

describe('orthogonal', () => {
  it('has orthonormal rows (wide) or columns (tall), in float64 and float32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.nat(), fc.constantFrom('float32' as const, 'float64' as const), (r, c, seed, dtype) => {
        const w = orthogonal(new Rng(seed), [r, c], { dtype });
        expect(w.shape).toEqual([r, c]);
        expect(w.dtype).toBe(dtype);
        expect(orthogonalityError(w.data, r, c)).toBeLessThanOrEqual(TOL[dtype]);
      }),
      { numRuns: propertyRuns(40) },
    );
  });

  it('is orthogonal for sizes that span several 64-row panels', () => {
    for (const [r, c] of [[256, 256], [300, 130], [70, 200]]) {
      expect(orthogonalityError(orthogonal(new Rng(r + c), [r, c], { dtype: 'float64' }).data, r, c)).toBeLessThanOrEqual(TOL.float64);
    }
  });

  it('scales by gain and views [out, in, k] as out × (in·k), as PyTorch', () => {
    const w = orthogonal(new Rng(1), [6, 2, 4], { gain: 2, dtype: 'float64' });
    expect(w.shape).toEqual([6, 2, 4]);
    expect(orthogonalityError(w.data, 6, 8, 2)).toBeLessThanOrEqual(4 * TOL.float64);
  });

  it('is deterministic for a seed', () => {
    expect(orthogonal(new Rng(3), [5, 5]).data).toEqual(orthogonal(new Rng(3), [5, 5]).data);
    expect(orthogonal(new Rng(3), [5, 5]).data).not.toEqual(orthogonal(new Rng(4), [5, 5]).data);
  });

  it('rejects rank < 2 and a non-finite gain', () => {
    expect(() => orthogonal(new Rng(0), [4])).toThrow(new ShapeError('orthogonal: needs a shape of rank >= 2, got [4]'));
    expect(() => orthogonal(new Rng(0), [2, 2], { gain: Infinity })).toThrow(ValueError);
  });
});

describe('orthonormalizeRows (the QR behind orthogonal)', () => {
  it('is Gram–Schmidt by hand on rows [3, 4] and [1, 0]', () => {
    const a = Float64Array.from([3, 4, 1, 0]);
    orthonormalizeRows(a, 2, 2);
    // q₀ = [3, 4]/5; [1, 0] − 0.6·q₀ = [0.64, −0.48], of norm 0.8.
    [0.6, 0.8, 0.8, -0.6].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 15));
  });

  it('gives the QR factor with positive diag(R): A·Qᵀ is lower triangular with a positive diagonal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 0, max: 30 }), fc.nat(), (k, extra, seed) => {
        const n = k + extra;
        const a = new Rng(seed).normal([k, n], { dtype: 'float64' }).data as Float64Array;
        const q = a.slice();
        orthonormalizeRows(q, k, n);
        const dot = (i: number, j: number) => {
          let s = 0;
          for (let m = 0; m < n; m++) s += a[i * n + m] * q[j * n + m];
          return s;
        };
        for (let i = 0; i < k; i++) {
          const norm = Math.sqrt(a.subarray(i * n, (i + 1) * n).reduce((s, v) => s + v * v, 0));
          expect(dot(i, i)).toBeGreaterThan(0);
          // a_i has no component along later q_j (tolerance as for orthogonality, relative to |a_i|).
          for (let j = i + 1; j < k; j++) expect(Math.abs(dot(i, j))).toBeLessThanOrEqual(TOL.float64 * norm);
        }
      }),
      { numRuns: propertyRuns(15) },
    );
  });

  it('rejects more rows than columns and dependent rows', () => {
    expect(() => orthonormalizeRows(new Float64Array(6), 3, 2)).toThrow(ValueError);
    expect(() => orthonormalizeRows(Float64Array.from([1, 2, 2, 4]), 2, 2)).toThrow(/row 1 is linearly dependent/);
  });
});
