import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Rng,
  ShapeError,
  broadcastShapes,
  broadcastTo,
  formatShape,
  normalizeAxes,
  normalizeAxis,
  reshape,
  shapesEqual,
  sizeOf,
  squeeze,
  stridesOf,
  sumToShape,
  tensor,
  transpose,
  unsqueeze,
} from '../src/index.js';
import { broadcastableShapesArb, broadcastablePairArb, propertyRuns, shapeArb } from '../src/testing/index.js';
import { broadcastRead, count, expectClose, indices, naiveBroadcastShape, randn, strides } from './helpers.js';

const runs = propertyRuns(50);

describe('shape utilities', () => {
  it('sizeOf, stridesOf, formatShape, shapesEqual', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([2, 0])).toBe(0);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
    expect(formatShape([32, 64])).toBe('[32,64]');
    expect(shapesEqual([1, 2], [1, 2])).toBe(true);
    expect(shapesEqual([1, 2], [2, 1])).toBe(false);
    expect(shapesEqual([1], [1, 1])).toBe(false);
  });

  it('stridesOf matches the naive definition', () => {
    fc.assert(fc.property(shapeArb({ maxRank: 5 }), (s) => {
      expect(stridesOf(s)).toEqual(strides(s));
    }), { numRuns: runs });
  });

  it('normalizeAxis resolves negative axes and rejects out-of-range ones', () => {
    expect(normalizeAxis('op', -1, 3)).toBe(2);
    expect(normalizeAxis('op', 0, 1)).toBe(0);
    expect(() => normalizeAxis('op', 3, 3)).toThrow(ShapeError);
    expect(() => normalizeAxis('op', -4, 3)).toThrow(/op: axis -4 is out of range for rank 3/);
    expect(() => normalizeAxis('op', 0.5, 3)).toThrow(ShapeError);
    expect(() => normalizeAxis('op', 0, 0)).toThrow(ShapeError);
  });

  it('normalizeAxes sorts, resolves and rejects repeats', () => {
    expect(normalizeAxes('op', undefined, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes('op', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('op', 1, 3)).toEqual([1]);
    expect(() => normalizeAxes('op', [1, -2], 3)).toThrow(/repeated axis/);
  });
});

describe('broadcasting', () => {
  it('broadcastShapes follows the NumPy rules', () => {
    expect(broadcastShapes('op', [2, 1, 4], [3, 1])).toEqual([2, 3, 4]);
    expect(broadcastShapes('op', [], [2, 3])).toEqual([2, 3]);
    expect(broadcastShapes('op', [0], [1])).toEqual([0]);
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrow('add: shapes [2,3] and [4] do not broadcast');
  });

  it('broadcastShapes agrees with the naive rule on random pairs, incompatible ones included', () => {
    const dims = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 });
    fc.assert(
      fc.property(dims, dims, (a, b) => {
        const expected = naiveBroadcastShape(a, b);
        if (expected === null) expect(() => broadcastShapes('op', a, b)).toThrow(ShapeError);
        else {
          expect(broadcastShapes('op', a, b)).toEqual(expected);
          expect(broadcastShapes('op', b, a)).toEqual(expected);
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('the broadcastable-shapes arbitrary only yields shapes that broadcast, including mutual broadcasting', () => {
    let mutual = 0;
    fc.assert(
      fc.property(broadcastableShapesArb(3), ([a, b, c]) => {
        const ab = naiveBroadcastShape(a, b);
        expect(ab).not.toBeNull();
        expect(naiveBroadcastShape(ab ?? [], c)).not.toBeNull();
        if (!shapesEqual(ab ?? [], a) && !shapesEqual(ab ?? [], b)) mutual++;
      }),
      { numRuns: 300 },
    );
    expect(mutual).toBeGreaterThan(0);
    fc.assert(fc.property(broadcastablePairArb({ minRank: 2 }), ([a, b]) => {
      expect(Math.min(a.length, b.length)).toBeGreaterThanOrEqual(2);
    }), { numRuns: 50 });
  });

  it('broadcastTo repeats values as the broadcast rules say', () => {
    const rng = new Rng(3);
    fc.assert(
      fc.property(broadcastablePairArb(), ([a, b]) => {
        const target = naiveBroadcastShape(a, b) as number[];
        const x = randn(rng, a);
        const y = broadcastTo(x, target);
        expect(y.shape).toEqual(target);
        const expected = [...indices(target)].map((idx) => broadcastRead(x.data, a, idx));
        expectClose(y, expected, { rtol: 0, atol: 0 });
      }),
      { numRuns: runs },
    );
  });

  it('sumToShape undoes broadcasting by summing (the single unbroadcast of the tape)', () => {
    const rng = new Rng(4);
    fc.assert(
      fc.property(broadcastablePairArb(), ([a, b]) => {
        const target = naiveBroadcastShape(a, b) as number[];
        const g = randn(rng, target);
        const s = sumToShape(g, a);
        expect(s.shape).toEqual(a);
        // Naive: each element of `a` collects every output element that reads it.
        const expected = new Float64Array(count(a));
        for (const idx of indices(target)) {
          const lead = target.length - a.length;
          const src = a.map((d, i) => (d === 1 ? 0 : idx[lead + i]));
          expected[src.reduce((n, v, i) => n + v * strides(a)[i], 0)] += g.data[idx.reduce((n, v, i) => n + v * strides(target)[i], 0)];
        }
        expectClose(s, expected, { rtol: 1e-12, atol: 1e-12 });
      }),
      { numRuns: runs },
    );
  });
});

describe('reshape, squeeze, unsqueeze, transpose', () => {
  it('reshape infers one -1 dimension and shares storage', () => {
    const x = tensor([1, 2, 3, 4, 5, 6]);
    const y = reshape(x, [2, -1]);
    expect(y.shape).toEqual([2, 3]);
    expect(y.data).toBe(x.data);
    expect(reshape(x, [6])).toBe(x);
    expect(() => reshape(x, [-1, -1])).toThrow(ShapeError);
    expect(() => reshape(x, [4, -1])).toThrow('reshape: cannot reshape [6] to [4,-1]');
    expect(() => reshape(x, [5])).toThrow(/reshape: cannot reshape \[6\] \(6 elements\) to \[5\]/);
  });

  it('unsqueeze and squeeze add and remove unit axes', () => {
    const x = tensor([[1, 2, 3]]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 1, 3]);
    expect(unsqueeze(x, -1).shape).toEqual([1, 3, 1]);
    expect(unsqueeze(x, 2).shape).toEqual([1, 3, 1]);
    expect(squeeze(unsqueeze(x, -1)).shape).toEqual([3]);
    expect(squeeze(x, 0).shape).toEqual([3]);
    expect(() => squeeze(x, 1)).toThrow('squeeze: axis 1 of [1,3] has size 3, not 1');
  });

  it('transpose swaps the last two axes by default', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(transpose(x).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(transpose(tensor([[[1, 2]], [[3, 4]]]), 0, 2).shape).toEqual([2, 1, 2]);
    expect(() => transpose(tensor([1, 2]))).toThrow(/transpose: needs rank >= 2/);
  });
});
