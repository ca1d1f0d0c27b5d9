import { tensor } from '@tapestry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sineSeries, sineWindows, slidingWindows } from '../src/index.js';
import { expectThrows, numRuns } from './helpers.js';

describe('slidingWindows', () => {
  it('cuts X[i] = x[i:i+n], Y[i] = x[i+1:i+n+1] for any series, window and stride', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.double({ noNaN: true }), { minLength: n + 1, maxLength: 40 }), fc.integer({ min: 1, max: 4 }))),
        ([n, xs, stride]) => {
          const { inputs, targets } = slidingWindows(Float64Array.from(xs), n, { stride });
          const N = Math.floor((xs.length - n - 1) / stride) + 1;
          expect(inputs.shape).toEqual([N, n, 1]);
          expect(targets.shape).toEqual([N, n, 1]);
          for (let i = 0; i < N; i++) {
            for (let j = 0; j < n; j++) {
              expect(inputs.data[i * n + j]).toBe(xs[i * stride + j]);
              expect(targets.data[i * n + j]).toBe(xs[i * stride + j + 1]);
            }
          }
        },
      ),
      { numRuns },
    );
  });

  it('keeps features together for a [L, F] series and follows the series dtype', () => {
    const series = tensor([[0, 10], [1, 11], [2, 12], [3, 13]], { dtype: 'int32' });
    const { inputs, targets } = slidingWindows(series, 2);
    expect(inputs.dtype).toBe('int32');
    expect(inputs.toArray()).toEqual([[[0, 10], [1, 11]], [[1, 11], [2, 12]]]);
    expect(targets.toArray()).toEqual([[[1, 11], [2, 12]], [[2, 12], [3, 13]]]);
    expect(slidingWindows([1, 2, 3], 1).inputs.dtype).toBe('float32');
    expect(slidingWindows([1, 2, 3], 1, { dtype: 'float64' }).inputs.dtype).toBe('float64');
  });

  it('rejects series too short for one window and bad window lengths', () => {
    expectThrows(() => slidingWindows([1, 2, 3], 3), 'too-short', 'needs 4');
    expectThrows(() => slidingWindows([1, 2, 3], 0), 'invalid-argument', 'windowLength');
    expectThrows(() => slidingWindows([1, 2, 3], 1, { stride: 0 }), 'invalid-argument', 'stride');
    expectThrows(() => slidingWindows(tensor([[[1]]]), 1), 'invalid-argument', 'rank');
  });
});

describe('sine data set', () => {
  // The specification, computed independently: t_i = i·4π/99 (t_99 = 4π exactly), x = sin t.
  const t = (i: number): number => (i === 99 ? 4 * Math.PI : (i * 4 * Math.PI) / 99);

  it('is t = linspace(0, 4π, 100), x = sin(t)', () => {
    const x = sineSeries({ dtype: 'float64' });
    expect(x.shape).toEqual([100]);
    for (let i = 0; i < 100; i++) expect(x.data[i]).toBeCloseTo(Math.sin(t(i)), 14);
    expect(x.data[0]).toBe(0);
  });

  it('gives X, Y of shape [90, 10, 1] with X[i] = x[i:i+10], Y[i] = x[i+1:i+11]', () => {
    const { inputs: X, targets: Y, series: x } = sineWindows({ dtype: 'float64' });
    expect(X.shape).toEqual([90, 10, 1]);
    expect(Y.shape).toEqual([90, 10, 1]);
    expect(X.dtype).toBe('float64');
    for (let i = 0; i < 90; i++) {
      for (let j = 0; j < 10; j++) {
        expect(X.data[i * 10 + j]).toBe(x.data[i + j]);
        expect(Y.data[i * 10 + j]).toBe(x.data[i + j + 1]);
      }
    }
  });

  it('defaults to float32, rounded once from the float64 values', () => {
    const x32 = sineWindows().series;
    const x64 = sineSeries({ dtype: 'float64' });
    expect(x32.dtype).toBe('float32');
    expect(Array.from(x32.data)).toEqual(Array.from(Float32Array.from(x64.data)));
  });

  it('takes other lengths and window sizes', () => {
    const { inputs } = sineWindows({ points: 50, end: Math.PI, windowLength: 5 });
    expect(inputs.shape).toEqual([45, 5, 1]);
    expectThrows(() => sineSeries({ points: 1 }), 'invalid-argument', 'points');
  });
});
