import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8, foldToAscii, labelledFromFiles, parseLineFile, splitLines } from '../src/index.js';
import { expectLeft, expectRight, numRuns } from './helpers.js';

const strict = new TextDecoder('utf-8', { fatal: true });
const isValid = (bytes: Uint8Array): boolean => {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

describe('decodeUtf8', () => {
  it('decodes valid UTF-8, accents included', () => {
    expect(expectRight(decodeUtf8(new TextEncoder().encode('Béringer\nŻak')))).toBe('Béringer\nŻak');
  });

  it('reports the file, line and byte column of the first bad byte', () => {
    const bytes = Uint8Array.from([0x61, 0x0a, 0x62, 0x63, 0xe9, 0x0a]); // Latin-1 'é' on line 2
    const err = expectLeft(decodeUtf8(bytes, 'names.txt'), 'encoding');
    expect([err.file, err.line, err.column]).toEqual(['names.txt', 2, 3]);
    expect(err.message).toBe('names.txt:2:3: not valid UTF-8 (byte 0xe9 at offset 4)');
  });

  it('finds an invalid byte exactly when the strict decoder rejects the bytes', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      fc.string({ unit: 'binary' }).map((s) => new TextEncoder().encode(s)),
      fc.tuple(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 3 }), fc.string({ unit: 'binary' })).map(([a, mid, b]) => {
        const enc = new TextEncoder();
        return Uint8Array.from([...enc.encode(a), ...mid, ...enc.encode(b)]);
      }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const offset = firstInvalidUtf8(b);
        expect(offset === -1).toBe(isValid(b));
        if (offset > 0) expect(isValid(b.subarray(0, offset))).toBe(true);
      }),
      { numRuns: numRuns * 4 },
    );
  });
});

describe('foldToAscii', () => {
  it('drops accents and spells out letters that do not decompose', () => {
    expect(foldToAscii('Béringer Łukasz Groß Ærø Ñúñez Żak Lévêque')).toBe('Beringer Lukasz Gross AEro Nunez Zak Leveque');
  });

  it('leaves ASCII alone and keeps letters with no ASCII form', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }).map((s) => s.replace(/[\u0080-\u00ff]/g, '')), (s) => {
        expect(foldToAscii(s)).toBe(s);
      }),
      { numRuns },
    );
    expect(foldToAscii('Иван 李')).toBe('Иван 李');
  });
});

describe('line files', () => {
  it('split at \\n and \\r\\n without an extra line for the final break', () => {
    expect(splitLines('a\r\nb\nc\n')).toEqual(['a', 'b', 'c']);
    expect(splitLines('a')).toEqual(['a']);
    expect(splitLines('')).toEqual([]);
  });

  it('report an empty line with its file and number', () => {
    const err = expectLeft(parseLineFile('Abe\nBo\n\nCy\n', 'names/Czech.txt'), 'parse');
    expect(err.message).toBe('names/Czech.txt:3: empty line; every line must hold one example');
    expect(expectLeft(parseLineFile('Abe\n  \n', 'x.txt'), 'parse').line).toBe(2);
    expect(expectLeft(parseLineFile('', 'x.txt'), 'empty').file).toBe('x.txt');
  });

  it('become a labelled set with label ids in file order', () => {
    const set = expectRight(labelledFromFiles([{ label: 'B', text: 'x\ny\n' }, { label: 'A', text: 'z' }]));
    expect(set.labels).toEqual(['B', 'A']);
    expect(set.examples).toEqual([{ text: 'x', label: 0 }, { text: 'y', label: 0 }, { text: 'z', label: 1 }]);
    expectLeft(labelledFromFiles([{ label: 'A', text: 'x' }, { label: 'A', text: 'y' }]), 'parse');
    expectLeft(labelledFromFiles([]), 'empty');
    expect(expectLeft(labelledFromFiles([{ label: 'A', text: 'x' }, { label: 'B', text: 'y\n\n', file: 'B.txt' }]), 'parse').file).toBe('B.txt');
  });
});
