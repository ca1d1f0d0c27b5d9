import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, ValueError, type Tensor } from '@tapestry/core';
import { xavierNormal, xavierUniform } from '../src/init/index.js';

function stats(t: Tensor): { mean: number; variance: number; maxAbs: number } {
  const v = Array.from(t.data);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, variance: v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length, maxAbs: Math.max(...v.map(Math.abs)) };
}

describe('Xavier / Glorot', () => {
  it('xavierUniform has bound gain·√(6/(fanIn + fanOut))', () => {
    const t = xavierUniform(new Rng(0), [200, 100], { gain: 2, dtype: 'float64' });
    const bound = 2 * Math.sqrt(6 / 300);
    const { mean, variance, maxAbs } = stats(t);
    // n = 20000: the largest |w| is within 0.1% of the bound (miss probability < 3e-9);
    // mean and variance (bound²/3) within 6 standard errors.
    expect(maxAbs).toBeLessThanOrEqual(bound);
    expect(maxAbs).toBeGreaterThan(0.999 * bound);
    expect(Math.abs(mean)).toBeLessThan((6 * bound) / Math.sqrt(3 * t.size));
    expect(Math.abs(variance - bound ** 2 / 3)).toBeLessThan((6 * bound ** 2 * Math.sqrt(4 / 45)) / Math.sqrt(t.size));
  });

  it('xavierNormal has std gain·√(2/(fanIn + fanOut)), with convolution-style fans', () => {
    const t = xavierNormal(new Rng(1), [40, 50, 10], { dtype: 'float64' });
    const variance = 2 / (500 + 400);
    const s = stats(t);
    // n = 20000: sd(mean) = √(var/n), sd(var) = var·√(2/n); 6 sd each.
    expect(Math.abs(s.mean)).toBeLessThan(6 * Math.sqrt(variance / t.size));
    expect(Math.abs(s.variance - variance)).toBeLessThan(6 * variance * Math.sqrt(2 / t.size));
    expect(t.dtype).toBe('float64');
  });

  it('defaults to float32 and gain 1, and rejects rank < 2 and bad gains', () => {
    const t = xavierUniform(new Rng(2), [3, 5]);
    expect(t.dtype).toBe('float32');
    expect(stats(t).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 8));
    expect(() => xavierNormal(new Rng(0), [7])).toThrow(new ShapeError('xavierNormal: fan-in and fan-out need a shape of rank >= 2, got [7]'));
    expect(() => xavierUniform(new Rng(0), [2, 2], { gain: -1 })).toThrow(new ValueError('xavierUniform: gain must be finite and >= 0, got -1'));
  });
});
