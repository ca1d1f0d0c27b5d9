import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, ValueError, type Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { fanInUniform, fans, kaimingUniform, normalInit, pytorchRecurrentInit, uniformInit } from '../src/init/index.js';

function moments(t: Tensor): { mean: number; variance: number; maxAbs: number } {
  const v = Array.from(t.data);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, variance: v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length, maxAbs: Math.max(...v.map(Math.abs)) };
}

/**
 * Checks draws against U(−b, b): all within the bound, the largest within 0.1% of it
 * (for n ≥ 20000 draws a miss has probability 0.999ⁿ < 3e-9), and mean and variance
 * b²/3 within 6 standard errors (sd(mean) = b/√(3n), sd(var) = b²·√(4/45)/√n).
 */
function expectUniform(t: Tensor, b: number): void {
  const n = t.size;
  const { mean, variance, maxAbs } = moments(t);
  expect(maxAbs).toBeLessThanOrEqual(b);
  expect(maxAbs).toBeGreaterThan(0.999 * b);
  expect(Math.abs(mean)).toBeLessThan((6 * b) / Math.sqrt(3 * n));
  expect(Math.abs(variance - (b * b) / 3)).toBeLessThan((6 * b * b * Math.sqrt(4 / 45)) / Math.sqrt(n));
}

describe('uniform initializers', () => {
  it('uniformInit draws from U(−bound, bound) in the requested dtype', () => {
    fc.assert(
      fc.property(fc.constantFrom(0.01, 1, 3), fc.nat(), fc.constantFrom('float32' as const, 'float64' as const), (bound, seed, dtype) => {
        const t = uniformInit(new Rng(seed), [100, 200], bound, { dtype });
        expect(t.shape).toEqual([100, 200]);
        expect(t.dtype).toBe(dtype);
        expectUniform(t, bound);
      }),
      { numRuns: propertyRuns(6) },
    );
  });

  it('pytorchRecurrentInit uses ±1/√hidden for weights and biases alike', () => {
    const H = 64;
    expectUniform(pytorchRecurrentInit(new Rng(1), [4 * H, H], H, { dtype: 'float64' }), 1 / 8);
    expectUniform(pytorchRecurrentInit(new Rng(2), [4 * H * 80], H), 1 / 8);
  });

  it('kaimingUniform with PyTorch’s default a = √5 has bound exactly 1/√fanIn (nn.Linear)', () => {
    // gain(a) = √(2/(1 + a²)) = √(1/3); bound = gain·√(3/fanIn) = 1/√fanIn.
    expectUniform(kaimingUniform(new Rng(3), [200, 100], { dtype: 'float64' }), 1 / 10);
    // a = 0 is He init for ReLU: bound √(6/fanIn); fanIn of [out, in, k] is in·k.
    expectUniform(kaimingUniform(new Rng(4), [100, 50, 3], { a: 0, dtype: 'float64' }), Math.sqrt(6 / 150));
  });

  it('fanInUniform gives ±1/√fanIn and zeros for fan-in 0 (PyTorch)', () => {
    expectUniform(fanInUniform(new Rng(5), [20000], 25), 0.2);
    expect(Array.from(fanInUniform(new Rng(5), [3], 0).data)).toEqual([0, 0, 0]);
  });

  it('normalInit draws N(mean, std²)', () => {
    const t = normalInit(new Rng(6), [20000], { mean: 2, std: 0.5, dtype: 'float64' });
    const { mean, variance } = moments(t);
    // sd(mean) = 0.5/√n ≈ 0.0035, sd(var) = 0.25·√(2/n) = 0.0025: 6 sd.
    expect(Math.abs(mean - 2)).toBeLessThan(0.022);
    expect(Math.abs(variance - 0.25)).toBeLessThan(0.015);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(uniformInit(new Rng(9), [5], 1).data).toEqual(uniformInit(new Rng(9), [5], 1).data);
    expect(uniformInit(new Rng(9), [5], 1).data).not.toEqual(uniformInit(new Rng(10), [5], 1).data);
  });

  it('computes fans as PyTorch and rejects bad arguments by name', () => {
    expect(fans([8, 4])).toEqual({ fanIn: 4, fanOut: 8 });
    expect(fans([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(() => fans([3])).toThrow(new ShapeError('fans: fan-in and fan-out need a shape of rank >= 2, got [3]'));
    expect(() => kaimingUniform(new Rng(0), [5])).toThrow(new ShapeError('kaimingUniform: fan-in and fan-out need a shape of rank >= 2, got [5]'));
    expect(() => uniformInit(new Rng(0), [2], -1)).toThrow(new ValueError('uniformInit: bound must be finite and >= 0, got -1'));
    expect(() => pytorchRecurrentInit(new Rng(0), [2], 0)).toThrow(/pytorchRecurrentInit: hiddenSize must be a positive integer/);
    expect(() => fanInUniform(new Rng(0), [2], 1.5)).toThrow(/fanInUniform: fanIn/);
    expect(() => normalInit(new Rng(0), [2], { std: -1 })).toThrow(/normalInit: std/);
  });
});
