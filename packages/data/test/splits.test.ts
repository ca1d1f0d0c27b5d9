import { Rng } from '@tapestry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitDataset, splitIndices } from '../src/index.js';
import { expectThrows, numRuns } from './helpers.js';

const fractions = fc.record({ train: fc.nat({ max: 10 }), validation: fc.nat({ max: 10 }), test: fc.nat({ max: 10 }) }).filter((f) => f.train + f.validation + f.test > 0);

describe('splitIndices and splitDataset', () => {
  it('give disjoint splits that cover the data, with sizes that add up', () => {
    fc.assert(
      fc.property(fc.nat({ max: 200 }), fractions, fc.nat(), (n, f, seed) => {
        const { train, validation, test } = splitIndices(n, new Rng(seed), f);
        const all = [...train, ...validation, ...test].sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
        const total = f.train + f.validation + f.test;
        const sizes = [train.length, validation.length, test.length];
        [f.train, f.validation, f.test].forEach((w, k) => expect(Math.abs(sizes[k] - (n * w) / total)).toBeLessThan(1));
      }),
      { numRuns },
    );
  });

  it('give the same split for the same seed', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 60 }), fc.nat(), (items, seed) => {
        expect(splitDataset(items, new Rng(seed))).toEqual(splitDataset(items, new Rng(seed)));
      }),
      { numRuns },
    );
  });

  it('keep each class in proportion when stratified', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 4 }), { maxLength: 150 }), fc.nat(), (labels, seed) => {
        const items = labels.map((label, id) => ({ id, label }));
        const { train, validation, test } = splitDataset(items, new Rng(seed), { stratify: (x) => x.label });
        const ids = [...train, ...validation, ...test].map((x) => x.id).sort((a, b) => a - b);
        expect(ids).toEqual(items.map((x) => x.id));
        for (const c of new Set(labels)) {
          const n = labels.filter((l) => l === c).length;
          expect(Math.abs(train.filter((x) => x.label === c).length - 0.8 * n)).toBeLessThan(1);
          expect(Math.abs(test.filter((x) => x.label === c).length - 0.1 * n)).toBeLessThan(1);
        }
      }),
      { numRuns },
    );
  });

  it('depend on the seed', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    expect(splitDataset(items, new Rng(1)).test).not.toEqual(splitDataset(items, new Rng(2)).test);
  });

  it('reject bad fractions and sizes', () => {
    expectThrows(() => splitIndices(10, new Rng(0), { train: 0, validation: 0, test: 0 }), 'invalid-argument', 'fractions');
    expectThrows(() => splitIndices(10, new Rng(0), { train: -1, validation: 1, test: 1 }), 'invalid-argument', 'fractions');
    expectThrows(() => splitIndices(-1, new Rng(0)), 'invalid-argument', 'n');
  });
});
