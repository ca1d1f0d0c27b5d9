import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelledBatch, padBatch, unpadBatch } from '../src/index.js';
import { expectThrows, numRuns } from './helpers.js';

const ids = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const sequences = fc.array(fc.array(ids, { maxLength: 12 }), { minLength: 1, maxLength: 8 });

describe('padBatch', () => {
  it('pads to the longest sequence with lengths and a float mask', () => {
    const { tokens, lengths, mask } = padBatch([[5, 6, 7], [8], []]);
    expect(tokens.dtype).toBe('int32');
    expect(tokens.shape).toEqual([3, 3]);
    expect(tokens.toArray()).toEqual([[5, 6, 7], [8, 0, 0], [0, 0, 0]]);
    expect(lengths.dtype).toBe('int32');
    expect(lengths.toArray()).toEqual([3, 1, 0]);
    expect(mask.dtype).toBe('float32');
    expect(mask.toArray()).toEqual([[1, 1, 1], [1, 0, 0], [0, 0, 0]]);
  });

  it('uses the given pad id and mask dtype, and pads to maxLength when fixedLength', () => {
    const { tokens, mask } = padBatch([Int32Array.of(1, 2)], { padId: -1, maskDType: 'float64', maxLength: 4, fixedLength: true });
    expect(tokens.toArray()).toEqual([[1, 2, -1, -1]]);
    expect(mask.dtype).toBe('float64');
    expect(mask.toArray()).toEqual([[1, 1, 0, 0]]);
  });

  it('truncates at the end or the start when asked', () => {
    expect(padBatch([[1, 2, 3, 4], [5]], { maxLength: 2, truncate: 'end' }).tokens.toArray()).toEqual([[1, 2], [5, 0]]);
    const start = padBatch([[1, 2, 3, 4], [5]], { maxLength: 2, truncate: 'start' });
    expect(start.tokens.toArray()).toEqual([[3, 4], [5, 0]]);
    expect(start.lengths.toArray()).toEqual([2, 1]);
  });

  it('rejects a sequence over maxLength when truncation is off, naming the sequence', () => {
    expectThrows(() => padBatch([[1], [1, 2, 3]], { maxLength: 2 }), 'too-long', 'sequence 1 has 3 tokens, more than maxLength = 2');
  });

  it('rejects an empty batch, bad options and non-integer ids', () => {
    expectThrows(() => padBatch([]), 'empty', 'padBatch');
    expectThrows(() => padBatch([[1]], { maxLength: 0 }), 'invalid-argument', 'maxLength');
    expectThrows(() => padBatch([[1]], { fixedLength: true }), 'invalid-argument', 'fixedLength');
    expectThrows(() => padBatch([[1, 2.5]]), 'invalid-argument', 'position 1');
    expectThrows(() => padBatch([[2 ** 31]]), 'invalid-argument', 'sequence 0');
  });

  it('then unpadBatch is the identity', () => {
    fc.assert(
      fc.property(sequences, fc.integer({ min: -5, max: 5 }), (seqs, padId) => {
        const back = unpadBatch(padBatch(seqs, { padId }));
        expect(back.map((s) => Array.from(s))).toEqual(seqs);
      }),
      { numRuns },
    );
  });

  it('keeps mask, lengths and padding consistent under truncation', () => {
    fc.assert(
      fc.property(sequences, fc.integer({ min: 1, max: 6 }), fc.constantFrom('end' as const, 'start' as const), (seqs, maxLength, truncate) => {
        const batch = padBatch(seqs, { maxLength, truncate, padId: 7 });
        const [B, T] = batch.tokens.shape;
        expect(B).toBe(seqs.length);
        const rows = unpadBatch(batch);
        for (let b = 0; b < B; b++) {
          const s = seqs[b];
          const kept = truncate === 'end' ? s.slice(0, maxLength) : s.slice(Math.max(0, s.length - maxLength));
          expect(Array.from(rows[b])).toEqual(kept);
          for (let t = 0; t < T; t++) {
            const valid = t < kept.length;
            expect(batch.mask.data[b * T + t]).toBe(valid ? 1 : 0);
            if (!valid) expect(batch.tokens.data[b * T + t]).toBe(7);
          }
        }
      }),
      { numRuns },
    );
  });
});

describe('labelledBatch', () => {
  it('adds int32 targets [B] to the padded batch', () => {
    const batch = labelledBatch([{ tokens: [5, 6], label: 2 }, { tokens: [7], label: 0 }]);
    expect(batch.targets.dtype).toBe('int32');
    expect(batch.targets.toArray()).toEqual([2, 0]);
    expect(batch.tokens.toArray()).toEqual([[5, 6], [7, 0]]);
  });

  it('rejects labels that are not class indices', () => {
    expectThrows(() => labelledBatch([{ tokens: [1], label: -1 }]), 'invalid-argument', 'label -1');
    expectThrows(() => labelledBatch([{ tokens: [1], label: 0.5 }]), 'invalid-argument', 'example 0');
  });
});
