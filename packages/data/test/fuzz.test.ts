// Random corruptions of vocabulary files and line files: each must either load to exactly
// what the text says, or give a DataError that names the file (and, for a syntax error, a
// line that exists) — never an exception, a hang, or a value that differs from the input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError, Vocab, decodeUtf8, parseLineFile, parseVocab, wordTokenizer } from '../src/index.js';
import { numRuns } from './helpers.js';

/** One corruption of a text: a cut, an insertion, a deletion, a replaced or duplicated span. */
const corruption = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom('"', ',', '{', '}', '[', ']', ':', '\\', '\r', '\n', 'null', '""', '\u0000', '\ud800'), fc.string({ unit: 'binary', maxLength: 4 })) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
);
type Corruption = typeof corruption extends fc.Arbitrary<infer C> ? C : never;

function corrupt(text: string, c: Corruption): string {
  const at = text.length === 0 ? 0 : c.at % (text.length + 1);
  switch (c.op) {
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + c.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + c.length);
    case 'replace':
      return text.slice(0, at) + c.text + text.slice(at + c.text.length);
    case 'duplicate':
      return text.slice(0, at + c.length) + text.slice(at, at + c.length) + text.slice(at + c.length);
  }
}

/** Runs `fn`, failing on a throw or on taking longer than a second (a hang). */
function timed<T>(fn: () => T): T {
  const start = performance.now();
  const out = fn();
  expect(performance.now() - start).toBeLessThan(1000);
  return out;
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/u).length;
}

/** Lines of raw bytes, counting \n, \r\n and a lone \r as breaks (as the decoder's locations do). */
function byteLineCount(bytes: Uint8Array): number {
  let n = 1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) n++;
  return n;
}

const corpora = fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });

describe('fuzzing the vocabulary parser', () => {
  it('a corrupted vocabulary file loads exactly as written, or gives a parse error naming the file and an existing line', () => {
    fc.assert(
      fc.property(corpora, fc.boolean(), fc.array(corruption, { minLength: 1, maxLength: 3 }), (corpus, words, corruptions) => {
        const vocab = Vocab.build(corpus, words ? { tokenizer: wordTokenizer } : {});
        const text = corruptions.reduce(corrupt, JSON.stringify(vocab, null, 1));
        const result = timed(() => parseVocab(text, { file: 'v.json' }));
        if (result._tag === 'Right') {
          // No silent change: the vocabulary is exactly what the (still valid) text says.
          expect(JSON.parse(JSON.stringify(result.right))).toEqual(JSON.parse(text));
        } else {
          expect(result.left).toBeInstanceOf(DataError);
          expect(result.left.kind).toBe('parse');
          expect(result.left.file).toBe('v.json');
          // A syntax error always names an existing line (truncated text included).
          if (result.left.detail.startsWith('invalid JSON')) expect(result.left.line).toBeDefined();
          if (result.left.line !== undefined) expect(result.left.line).toBeLessThanOrEqual(lineCount(text));
        }
      }),
      { numRuns: numRuns * 10 },
    );
  });

  it('deeply nested or very long input is an error, not a stack overflow or a hang', () => {
    for (const text of ['['.repeat(200_000), '{"a":'.repeat(100_000), `"${'x'.repeat(1_000_000)}`, `[${'1,'.repeat(300_000)}`]) {
      const result = timed(() => parseVocab(text, { file: 'deep.json' }));
      expect(result._tag).toBe('Left');
    }
  });
});

describe('fuzzing the line-file and UTF-8 parsers', () => {
  const names = fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== '' && !/[\r\n]/u.test(s)), { minLength: 1, maxLength: 10 });
  const byteFlip = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });

  it('corrupted bytes decode and split exactly, or give an encoding/parse/empty error with a line that exists', () => {
    fc.assert(
      fc.property(names, fc.constantFrom('\n', '\r\n', '\r'), fc.array(corruption, { maxLength: 2 }), fc.array(byteFlip, { maxLength: 2 }), (lines, eol, corruptions, flips) => {
        const text = corruptions.reduce(corrupt, lines.join(eol) + eol);
        const bytes = new TextEncoder().encode(text);
        for (const { at, value } of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
        const result = timed(() => {
          const decoded = decodeUtf8(bytes, 'n.txt');
          return decoded._tag === 'Left' ? decoded : parseLineFile(decoded.right, 'n.txt');
        });
        if (result._tag === 'Right') {
          // No silent change: the lines are the decoded text split at its line breaks.
          const decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
          expect(result.right.join('\n')).toBe(decoded.replace(/\r\n|\r/gu, '\n').replace(/\n$/u, ''));
          for (const line of result.right) expect(line.trim()).not.toBe('');
        } else {
          expect(['encoding', 'parse', 'empty']).toContain(result.left.kind);
          expect(result.left.file).toBe('n.txt');
          if (result.left.line !== undefined) expect(result.left.line).toBeLessThanOrEqual(byteLineCount(bytes));
        }
      }),
      { numRuns: numRuns * 10 },
    );
  });
});
