import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ValueError, broadcastTo, grad, mean, ones, sum, tensor, type Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { dropout, dropoutMask, variationalDropout } from '../src/nn/index.js';

const rateArb = fc.constantFrom(0.1, 0.5, 0.8);

describe('dropout', () => {
  it('is the identity in evaluation mode and with p = 0', () => {
    const x = new Rng(0).normal([3, 4]);
    expect(dropout(x, { p: 0.5, training: false })).toBe(x);
    expect(dropout(x, { p: 0, training: true, rng: new Rng(1) })).toBe(x);
    expect(variationalDropout(x, { p: 0.5, training: false })).toBe(x);
  });

  it('keeps each element as x/(1−p) or drops it to 0', () => {
    fc.assert(
      fc.property(rateArb, fc.nat(), (p, seed) => {
        const x = new Rng(seed).normal([50], { dtype: 'float64' });
        const y = dropout(x, { p, training: true, rng: new Rng(seed + 1) });
        y.data.forEach((v, i) => expect(v === 0 || Math.abs(v - x.data[i] / (1 - p)) < 1e-15 * Math.abs(v)).toBe(true));
      }),
      { numRuns: propertyRuns(20) },
    );
  });

  it('has mean ≈ input over many draws, and drops a fraction ≈ p', () => {
    fc.assert(
      fc.property(rateArb, fc.nat(), (p, seed) => {
        const K = 4000;
        const x = new Rng(seed).normal([6], { dtype: 'float64' });
        // K independent draws of x at once: one mask element per (draw, feature).
        const y = dropout(broadcastTo(x, [K, 6]), { p, training: true, rng: new Rng(seed + 1) });
        const average = mean(y, 0);
        // y_i/x_i = B/(1−p), B ~ Bernoulli(1−p): sd of the average is |x_i|·√(p/((1−p)K)); allow 6 sd
        // (a false failure has probability ~2e-9 per element).
        x.data.forEach((xi, i) => expect(Math.abs(average.data[i] - xi)).toBeLessThanOrEqual(6 * Math.abs(xi) * Math.sqrt(p / ((1 - p) * K)) + 1e-12));
        const dropped = Array.from(y.data).filter((v) => v === 0).length / y.size;
        expect(Math.abs(dropped - p)).toBeLessThanOrEqual(6 * Math.sqrt((p * (1 - p)) / y.size));
      }),
      { numRuns: propertyRuns(10) },
    );
  });

  it('passes the gradient through kept elements only, scaled by 1/(1−p)', () => {
    const x = new Rng(3).normal([40], { dtype: 'float64' });
    const y = dropout(x, { p: 0.3, training: true, rng: new Rng(9) });
    const g = grad((v: Tensor) => sum(dropout(v, { p: 0.3, training: true, rng: new Rng(9) })))(x);
    g.data.forEach((gi, i) => expect(gi).toBe(y.data[i] === 0 ? 0 : 1 / 0.7));
  });

  it('rejects p outside [0, 1), a missing rng and integer input', () => {
    const x = ones([2]);
    expect(() => dropout(x, { p: 1, training: true, rng: new Rng(0) })).toThrow(new ValueError('dropout: p must be in [0, 1), got 1'));
    expect(() => dropout(x, { p: -0.1, training: false })).toThrow(/dropout: p must be in \[0, 1\), got -0.1/);
    expect(() => dropout(x, { p: NaN, training: true, rng: new Rng(0) })).toThrow(ValueError);
    expect(() => dropout(x, { p: 0.5, training: true })).toThrow(new ValueError('dropout: rng is required when training with p > 0'));
    expect(() => dropout(tensor([1], { dtype: 'int32' }), { p: 0.5, training: true, rng: new Rng(0) })).toThrow(DTypeError);
    expect(() => variationalDropout(ones([2, 3, 4]), { p: 1.5, training: true, rng: new Rng(0) })).toThrow(/variationalDropout: p must be in \[0, 1\)/);
    expect(() => dropoutMask(new Rng(0), [2], 1)).toThrow(/dropoutMask: p must be in \[0, 1\)/);
  });
});

describe('variationalDropout', () => {
  it('uses one mask per sequence: y[b, t, f] / x[b, t, f] is the same at every t', () => {
    fc.assert(
      fc.property(rateArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 8 }), fc.nat(), (p, B, T, F, seed) => {
        const x = new Rng(seed).uniform([B, T, F], { low: 0.5, high: 2, dtype: 'float64' });
        const y = variationalDropout(x, { p, training: true, rng: new Rng(seed + 1) });
        for (let b = 0; b < B; b++) {
          for (let f = 0; f < F; f++) {
            const ratio = (t: number) => y.data[(b * T + t) * F + f] / x.data[(b * T + t) * F + f];
            // Kept or dropped (the ratio is x·s/x, exact up to rounding).
            expect(ratio(0) === 0 || Math.abs(ratio(0) * (1 - p) - 1) < 1e-14).toBe(true);
            for (let t = 1; t < T; t++) expect(ratio(t)).toBeCloseTo(ratio(0), 14);
          }
        }
      }),
      { numRuns: propertyRuns(25) },
    );
  });

  it('shares the mask along another axis with timeAxis (time-major [T, B, F])', () => {
    const x = ones([5, 2, 3], 'float64');
    const y = variationalDropout(x, { p: 0.5, training: true, rng: new Rng(4), timeAxis: 0 });
    for (let t = 1; t < 5; t++) expect(Array.from(y.data.subarray(t * 6, t * 6 + 6))).toEqual(Array.from(y.data.subarray(0, 6)));
  });

  it('has mean ≈ input: a [B, 1, F] mask of 1/(1−p) or 0, dropping a fraction ≈ p of (b, f) pairs', () => {
    const [B, T, F, p] = [200, 3, 20, 0.4];
    const y = variationalDropout(ones([B, T, F], 'float64'), { p, training: true, rng: new Rng(11) });
    // B·F = 4000 independent mask entries; 6-sd bounds as for dropout.
    const n = B * F;
    expect(Math.abs(mean(y).item() - 1)).toBeLessThanOrEqual(6 * Math.sqrt(p / ((1 - p) * n)));
    const dropped = Array.from(y.data).filter((v) => v === 0).length / y.size;
    expect(Math.abs(dropped - p)).toBeLessThanOrEqual(6 * Math.sqrt((p * (1 - p)) / n));
  });
});

describe('dropoutMask', () => {
  it('has the requested shape and dtype, with values 0 or 1/(1−p)', () => {
    const mask = dropoutMask(new Rng(2), [3, 7], 0.75, 'float64');
    expect(mask.shape).toEqual([3, 7]);
    expect(mask.dtype).toBe('float64');
    expect(Array.from(mask.data).every((v) => v === 0 || v === 4)).toBe(true);
    expect(dropoutMask(new Rng(2), [3, 7], 0.75, 'float64').data).toEqual(mask.data);
  });
});
