import { Rng } from '@tapestry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addingProblem, copyMemory } from '../src/index.js';
import { expectThrows, numRuns } from './helpers.js';

describe('addingProblem', () => {
  it('marks one step in each half and targets the sum of the marked values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 8 }), fc.nat(), (T, N, seed) => {
        const { inputs, targets } = addingProblem(new Rng(seed), { samples: N, length: T, dtype: 'float64' });
        expect(inputs.shape).toEqual([N, T, 2]);
        expect(targets.shape).toEqual([N, 1]);
        for (let n = 0; n < N; n++) {
          const marked: number[] = [];
          for (let t = 0; t < T; t++) {
            const value = inputs.data[(n * T + t) * 2];
            const mark = inputs.data[(n * T + t) * 2 + 1];
            expect(value >= 0 && value < 1).toBe(true);
            expect([0, 1]).toContain(mark);
            if (mark === 1) marked.push(t);
          }
          expect(marked.length).toBe(2);
          expect(marked[0]).toBeLessThan(Math.floor(T / 2));
          expect(marked[1]).toBeGreaterThanOrEqual(Math.floor(T / 2));
          const sum = inputs.data[(n * T + marked[0]) * 2] + inputs.data[(n * T + marked[1]) * 2];
          expect(targets.data[n]).toBe(sum);
        }
      }),
      { numRuns },
    );
  });

  it('is reproducible from the seed and defaults to float32', () => {
    const a = addingProblem(new Rng(3), { samples: 4, length: 20 });
    const b = addingProblem(new Rng(3), { samples: 4, length: 20 });
    expect(a.inputs.dtype).toBe('float32');
    expect(Array.from(a.inputs.data)).toEqual(Array.from(b.inputs.data));
    expectThrows(() => addingProblem(new Rng(0), { samples: 1, length: 1 }), 'invalid-argument', 'length');
    expectThrows(() => addingProblem(new Rng(0), { samples: 0, length: 5 }), 'invalid-argument', 'samples');
  });
});

describe('copyMemory', () => {
  it('shows K symbols, waits, gives the delimiter, and expects the symbols back at the end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.nat(), (T, K, A, seed) => {
        const N = 3;
        const data = copyMemory(new Rng(seed), { samples: N, length: T, copyLength: K, alphabetSize: A });
        const S = T + 2 * K;
        expect(data.inputs.shape).toEqual([N, S]);
        expect(data.targets.shape).toEqual([N, S]);
        expect([data.numClasses, data.blank, data.delimiter]).toEqual([A + 2, 0, A + 1]);
        for (let n = 0; n < N; n++) {
          const x = Array.from(data.inputs.data.subarray(n * S, (n + 1) * S));
          const y = Array.from(data.targets.data.subarray(n * S, (n + 1) * S));
          const symbols = x.slice(0, K);
          expect(symbols.every((s) => s >= 1 && s <= A)).toBe(true);
          expect(x.slice(K, K + T - 1).every((s) => s === 0)).toBe(true);
          expect(x[K + T - 1]).toBe(A + 1);
          expect(x.slice(K + T).every((s) => s === 0)).toBe(true);
          expect(y.slice(0, T + K).every((s) => s === 0)).toBe(true);
          expect(y.slice(T + K)).toEqual(symbols);
        }
      }),
      { numRuns },
    );
  });

  it('uses the paper defaults: 10 symbols from an alphabet of 8', () => {
    const data = copyMemory(new Rng(0), { samples: 2, length: 100 });
    expect(data.inputs.shape).toEqual([2, 120]);
    expect(data.numClasses).toBe(10);
    expectThrows(() => copyMemory(new Rng(0), { samples: 2, length: 0 }), 'invalid-argument', 'length');
  });
});
