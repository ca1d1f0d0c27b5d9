import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lmStream } from '../src/index.js';
import { expectThrows, numRuns } from './helpers.js';

// A stream of distinct ids (its positions) makes "which token went where" checkable.
const positions = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

const setup = fc
  .record({ B: fc.integer({ min: 1, max: 6 }), T: fc.integer({ min: 1, max: 9 }), offset: fc.nat({ max: 5 }), dropLast: fc.boolean() })
  .chain((o) => fc.record({ o: fc.constant(o), n: fc.integer({ min: o.offset + o.B + 1, max: 150 }) }));

describe('lmStream', () => {
  it('covers every input position exactly once per epoch, with targets one step ahead', () => {
    fc.assert(
      fc.property(setup, ({ o, n }) => {
        if (o.dropLast && Math.floor((n - o.offset - 1) / o.B) < o.T) return; // no batches: tested below
        const stream = lmStream(positions(n), { batchSize: o.B, seqLen: o.T, offset: o.offset, dropLast: o.dropLast });
        const seen = new Int32Array(n);
        for (const { inputs, targets } of stream) {
          expect(inputs.dtype).toBe('int32');
          expect(targets.shape).toEqual(inputs.shape);
          for (let i = 0; i < inputs.size; i++) {
            seen[inputs.data[i]]++;
            expect(targets.data[i]).toBe(inputs.data[i] + 1);
          }
        }
        const L = stream.rowLength;
        const used = o.dropLast ? Math.floor(L / o.T) * o.T : L;
        let count = 0;
        for (let p = 0; p < n; p++) {
          const inRow = p >= o.offset && p < o.offset + o.B * L && (p - o.offset) % L < used;
          expect(seen[p]).toBe(inRow ? 1 : 0);
          count += seen[p];
        }
        expect(count).toBe(stream.tokensUsed);
      }),
      { numRuns },
    );
  });

  it('continues each row from one batch to the next, so a carry can be passed on', () => {
    fc.assert(
      fc.property(setup, ({ o, n }) => {
        const stream = lmStream(positions(n), { batchSize: o.B, seqLen: o.T, offset: o.offset });
        for (let k = 0; k + 1 < stream.numBatches; k++) {
          const a = stream.batch(k).inputs;
          const b = stream.batch(k + 1).inputs;
          const [, Ta] = a.shape;
          const [, Tb] = b.shape;
          for (let row = 0; row < o.B; row++) expect(b.data[row * Tb]).toBe(a.data[row * Ta + Ta - 1] + 1);
        }
      }),
      { numRuns },
    );
  });

  it('gives full [B, T] batches and a shorter last one unless dropLast', () => {
    const stream = lmStream(positions(24), { batchSize: 2, seqLen: 5 });
    // L = floor(23 / 2) = 11 tokens per row: batches of 5, 5, 1 steps.
    expect([stream.rowLength, stream.numBatches]).toEqual([11, 3]);
    expect([...stream].map((b) => b.inputs.shape)).toEqual([[2, 5], [2, 5], [2, 1]]);
    expect(stream.batch(0).inputs.toArray()).toEqual([[0, 1, 2, 3, 4], [11, 12, 13, 14, 15]]);
    expect(stream.batch(0).targets.toArray()).toEqual([[1, 2, 3, 4, 5], [12, 13, 14, 15, 16]]);
    expect(lmStream(positions(24), { batchSize: 2, seqLen: 5, dropLast: true }).numBatches).toBe(2);
  });

  it('is a value: the same tokens give the same batches, and later edits to the input do not leak in', () => {
    const tokens = positions(50);
    const stream = lmStream(tokens, { batchSize: 3, seqLen: 4 });
    const before = stream.batch(1).inputs.toArray();
    tokens.fill(0);
    expect(stream.batch(1).inputs.toArray()).toEqual(before);
    expect(lmStream([...positions(50)], { batchSize: 3, seqLen: 4 }).batch(1).inputs.toArray()).toEqual(before);
  });

  it('rejects bad options and too-short streams with a DataError', () => {
    expectThrows(() => lmStream(positions(10), { batchSize: 0, seqLen: 2 }), 'invalid-argument', 'batchSize');
    expectThrows(() => lmStream(positions(10), { batchSize: 2, seqLen: 0 }), 'invalid-argument', 'seqLen');
    expectThrows(() => lmStream(positions(10), { batchSize: 2, seqLen: 2, offset: -1 }), 'invalid-argument', 'offset');
    expectThrows(() => lmStream(positions(3), { batchSize: 3, seqLen: 2 }), 'too-short', 'need at least 4');
    expectThrows(() => lmStream(positions(10), { batchSize: 3, seqLen: 5, dropLast: true }), 'too-short', 'dropLast');
    expectThrows(() => lmStream([1, 2.5, 3], { batchSize: 1, seqLen: 1 }), 'invalid-argument', 'token 1');
    expectThrows(() => lmStream(positions(10), { batchSize: 1, seqLen: 2 }).batch(9), 'invalid-argument', 'k = 9');
  });
});
