// @tapestry/core/testing itself: checkGradients must catch wrong gradients and say
// where; the arbitraries must produce what they promise.
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { GradientError, defineOp, exp, fromStorage, log, mul, sum, tanh, tensor, type Tensor } from '../src/index.js';
import { anyTensorArb, assertGradients, checkGradients, propertyRuns, shapeArb, tensorArb } from '../src/testing/index.js';

// square(x) with a backward rule that is wrong at exactly one element (flat index 4).
const wrongOp = defineOp<void>({
  name: 'test.wrongSquare',
  forward: ([x]) => fromStorage(x.shape, Float64Array.from(x.data, (v) => v * v)),
  vjp: ([g], { inputs: [x] }) => {
    const bump = new Float64Array(x.size);
    bump[4] = 1e-3;
    return [mul(g, fromStorage(x.shape, Float64Array.from(x.data, (v, i) => 2 * v + bump[i])))];
  },
});
const wrongSquare = (x: Tensor): Tensor => wrongOp.run([x], undefined)[0];

describe('checkGradients', () => {
  it('passes correct gradients and counts the elements it compared', () => {
    const report = checkGradients((x, w) => tanh(mul(x, w)), [tensor([[0.1, 0.2]]), tensor([[0.3], [0.4]])]);
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(4);
    expect(report.summary).toMatch(/^checkGradients: ok/);
  });

  it('finds a wrong gradient and reports the worst element with its index and position', () => {
    const x = tensor([[0.5, -1, 2], [0.25, 1.5, -0.75]], { dtype: 'float64' });
    const report = checkGradients((v) => wrongSquare(v), [x]);
    expect(report.ok).toBe(false);
    expect(report.worst?.input).toBe(0);
    expect(report.worst?.index).toBe(4);
    expect(report.worst?.position).toEqual([1, 1]);
    expect(report.summary).toContain('MISMATCH');
    expect(report.summary).toContain('element 4 [1,1]');
    expect(() => assertGradients((v) => wrongSquare(v), [x])).toThrow(GradientError);
  });

  it('never lets a NaN gradient hide behind later good elements', () => {
    // log at 0 has an infinite derivative: the first element's ratio is NaN.
    const report = checkGradients((v) => log(v), [tensor([0, 1, 2, 3], { dtype: 'float64' })]);
    expect(report.ok).toBe(false);
    expect(report.worst?.index).toBe(0);
  });

  it('checks only the inputs in wrt, and skips integer inputs by default', () => {
    const idx = tensor([1], { dtype: 'int32' });
    const report = checkGradients((a, _i, b) => mul(exp(a), b), [tensor([0.5]), idx, tensor([2])], { wrt: [2] });
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(1);
    expect(checkGradients((a) => sum(a), [tensor([1, 2])]).checked).toBe(2);
  });

  it('works in float64 whatever the inputs dtype', () => {
    let seen = '';
    checkGradients((a) => {
      seen = a.dtype;
      return exp(a);
    }, [tensor([1, 2])]);
    expect(seen).toBe('float64');
  });
});

describe('arbitraries', () => {
  it('shapeArb respects its bounds', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3, minDim: 2, maxDim: 5 }), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(1);
        expect(s.length).toBeLessThanOrEqual(3);
        for (const d of s) expect(d >= 2 && d <= 5).toBe(true);
      }),
    );
  });

  it('tensorArb respects range, dtype and distance from zero', () => {
    fc.assert(
      fc.property(tensorArb([3, 2], { min: -1, max: 3, dtype: 'float32', awayFromZero: 0.5 }), (t) => {
        expect(t.shape).toEqual([3, 2]);
        expect(t.dtype).toBe('float32');
        for (const v of t.data) expect(v >= -1 && v <= 3 && Math.abs(v) >= 0.5).toBe(true);
      }),
    );
    fc.assert(
      fc.property(anyTensorArb({ maxRank: 2 }), (t) => {
        expect(t.dtype).toBe('float64');
        expect(t.rank).toBeLessThanOrEqual(2);
      }),
    );
  });
});

describe('propertyRuns', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('uses TAPESTRY_NUM_RUNS when it is a positive integer, else the fallback', () => {
    vi.stubEnv('TAPESTRY_NUM_RUNS', '500');
    expect(propertyRuns(20)).toBe(500);
    vi.stubEnv('TAPESTRY_NUM_RUNS', 'lots');
    expect(propertyRuns(20)).toBe(20);
    vi.stubEnv('TAPESTRY_NUM_RUNS', '0');
    expect(propertyRuns(20)).toBe(20);
    vi.stubEnv('TAPESTRY_NUM_RUNS', '');
    expect(propertyRuns(20)).toBe(20);
  });
});
