import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsBackend, runStepCommand } from '../src/index.js';
import { blockCommand, copyBlock } from '../src/compile/block-copy.js';
import { propertyRuns } from '../src/testing/index.js';

// A block copy as one strided copy command must copy exactly what copyBlock copies, and
// the command form must exist for the blocks plans make: a time step of a [B, T, F]
// sequence, a part of a concatenation, any block of rank ≤ 2.

/** A source and destination shape of one rank, a block that fits both, and where it starts in each. */
const blocks = fc.integer({ min: 0, max: 4 }).chain((rank) =>
  fc.tuple(...Array.from({ length: rank }, () => fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))))
    .chain((axes) => fc.tuple(...axes.map(([size, srcExtra, dstExtra]) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: srcExtra }), fc.constant(srcExtra), fc.integer({ min: 0, max: dstExtra }), fc.constant(dstExtra)))))
    .map((axes) => ({
      size: axes.map(([n]) => n),
      srcShape: axes.map(([n, , extra]) => n + extra),
      srcStart: axes.map(([, start]) => start),
      dstShape: axes.map(([n, , , , extra]) => n + extra),
      dstStart: axes.map(([, , , start]) => start),
    })),
);

describe('blockCommand', () => {
  it('copies what copyBlock copies, whenever it gives a command', () => {
    fc.assert(
      fc.property(blocks, (b) => {
        const count = (shape: number[]) => shape.reduce((n, d) => n * d, 1);
        const src = Float64Array.from({ length: count(b.srcShape) }, (_, i) => i + 1);
        const viaBlock = new Float64Array(count(b.dstShape));
        const viaCommand = new Float64Array(count(b.dstShape));
        copyBlock(src, b.srcShape, b.srcStart, viaBlock, b.dstShape, b.dstStart, b.size);
        const command = blockCommand(src, b.srcShape, b.srcStart, viaCommand, b.dstShape, b.dstStart, b.size);
        if (b.size.length <= 2) expect(command).toBeDefined();
        if (command !== undefined) {
          runStepCommand(command, 0, jsBackend);
          expect([...viaCommand]).toEqual([...viaBlock]);
        }
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('has a command form for a time step of a [B, T, F] sequence and for a concatenation part', () => {
    const step = blockCommand(new Float32Array(2 * 5 * 3), [2, 5, 3], [0, 4, 0], new Float32Array(6), [2, 1, 3], [0, 0, 0], [2, 1, 3]);
    expect(step).toMatchObject({ rows: 2, length: 3, srcStart: 12, srcStride: 15, dstStride: 3 });
    const part = blockCommand(new Float32Array(2 * 2 * 3), [2, 2, 3], [0, 0, 0], new Float32Array(2 * 5 * 3), [2, 5, 3], [0, 3, 0], [2, 2, 3]);
    expect(part).toMatchObject({ rows: 2, length: 6, dstStart: 9, srcStride: 6, dstStride: 15 });
  });
});
