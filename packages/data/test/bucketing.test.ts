import { Rng } from '@tapestry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketBatches } from '../src/index.js';
import { expectThrows, numRuns } from './helpers.js';

interface Item {
  id: number;
  length: number;
}

const items = fc.array(fc.nat({ max: 30 }), { maxLength: 120 }).map((lengths) => lengths.map((length, id): Item => ({ id, length })));
const options = fc.record({
  batchSize: fc.integer({ min: 1, max: 17 }),
  dropLast: fc.boolean(),
  poolBatches: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(Infinity)),
  seed: fc.option(fc.nat(), { nil: undefined }),
});

function run(list: Item[], o: { batchSize: number; dropLast: boolean; poolBatches: number; seed: number | undefined }): Item[][] {
  return bucketBatches(list, { batchSize: o.batchSize, dropLast: o.dropLast, poolBatches: o.poolBatches, rng: o.seed === undefined ? undefined : new Rng(o.seed) });
}

describe('bucketBatches', () => {
  it('never loses or duplicates an item (only the one short batch may be dropped)', () => {
    fc.assert(
      fc.property(items, options, (list, o) => {
        const batches = run(list, o);
        const ids = batches.flat().map((x) => x.id);
        expect(new Set(ids).size).toBe(ids.length);
        const expected = o.dropLast ? list.length - (list.length % o.batchSize) : list.length;
        expect(ids.length).toBe(expected);
        expect(batches.every((b) => b.length >= 1 && b.length <= o.batchSize)).toBe(true);
        expect(batches.filter((b) => b.length < o.batchSize).length).toBeLessThanOrEqual(o.dropLast ? 0 : 1);
      }),
      { numRuns },
    );
  });

  it('gives the same batches for the same seed', () => {
    fc.assert(
      fc.property(items, options, fc.nat(), (list, o, seed) => {
        expect(run(list, { ...o, seed })).toEqual(run(list, { ...o, seed }));
      }),
      { numRuns },
    );
  });

  it('groups similar lengths: with one pool, batches do not overlap in length', () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 9 }), fc.nat(), (list, batchSize, seed) => {
        const batches = bucketBatches(list, { batchSize, rng: new Rng(seed), poolBatches: Infinity });
        const ranges = batches.map((b) => [Math.min(...b.map((x) => x.length)), Math.max(...b.map((x) => x.length))]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        for (let k = 1; k < ranges.length; k++) expect(ranges[k][0]).toBeGreaterThanOrEqual(ranges[k - 1][1]);
      }),
      { numRuns },
    );
  });

  it('without an rng is deterministic and sorted by length, ties in input order', () => {
    const list = [3, 1, 2, 1].map((length, id) => ({ id, length }));
    expect(bucketBatches(list, { batchSize: 2 }).map((b) => b.map((x) => x.id))).toEqual([[1, 3], [2, 0]]);
  });

  it('shuffles differently from one epoch to the next with the same generator', () => {
    const list = Array.from({ length: 200 }, (_, id) => ({ id, length: id % 7 }));
    const rng = new Rng(1);
    const first = bucketBatches(list, { batchSize: 8, rng, poolBatches: 2 });
    const second = bucketBatches(list, { batchSize: 8, rng, poolBatches: 2 });
    expect(second).not.toEqual(first);
  });

  it('uses .length by default and lengthOf when given', () => {
    expect(bucketBatches(['ccc', 'a', 'bb'], { batchSize: 1 })).toEqual([['a'], ['bb'], ['ccc']]);
    expect(bucketBatches([{ n: 2 }, { n: 1 }], { batchSize: 2, lengthOf: (x) => x.n })).toEqual([[{ n: 1 }, { n: 2 }]]);
    expectThrows(() => bucketBatches([{ n: 1 }], { batchSize: 1 }), 'invalid-argument', 'lengthOf');
  });

  it('rejects batch size 0 with a DataError naming batchSize', () => {
    expectThrows(() => bucketBatches([[1]], { batchSize: 0 }), 'invalid-argument', 'batchSize');
    expectThrows(() => bucketBatches([[1]], { batchSize: 2.5 }), 'invalid-argument', 'batchSize');
    expectThrows(() => bucketBatches([[1]], { batchSize: 1, poolBatches: 0 }), 'invalid-argument', 'poolBatches');
  });
});
