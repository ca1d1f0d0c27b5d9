import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Vocab, charTokenizer, defaultSpecials, defineTokenizer, parseVocab, vocabFromJSON, wordTokenizer } from '../src/index.js';
import { expectLeft, expectRight, expectThrows, numRuns } from './helpers.js';

const specialsList = ['<pad>', '<unk>', '<bos>', '<eos>'];

describe('Vocab.build', () => {
  it('puts the specials first, then tokens by falling count, ties in code-unit order', () => {
    const vocab = Vocab.build('cabbage');
    // counts: a 2, b 2, c 1, e 1, g 1
    expect(vocab.tokens).toEqual([...specialsList, 'a', 'b', 'c', 'e', 'g']);
    expect([vocab.padId, vocab.unkId, vocab.bosId, vocab.eosId]).toEqual([0, 1, 2, 3]);
    expect(vocab.size).toBe(9);
  });

  it('breaks ties by code units, not by locale', () => {
    const vocab = Vocab.build('éeZa', { specials: {} });
    expect(vocab.tokens).toEqual(['Z', 'a', 'e', 'é']);
  });

  it('gives the same ids whatever the order of the corpus documents', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 20 }), fc.infiniteStream(fc.nat()), (docs, stream) => {
        const keys = docs.map(() => stream.next().value as number);
        const shuffled = docs.map((d, i) => [keys[i], d] as const).sort((a, b) => a[0] - b[0]).map(([, d]) => d);
        expect(Vocab.build(shuffled).tokens).toEqual(Vocab.build(docs).tokens);
      }),
      { numRuns },
    );
  });

  it('builds word-level vocabularies with the lower-cased whitespace tokenizer', () => {
    const vocab = Vocab.build(['The cat', 'saw THE dog'], { tokenizer: wordTokenizer });
    expect(vocab.tokens.slice(4)).toEqual(['the', 'cat', 'dog', 'saw']);
    expect(Array.from(vocab.encode('the DOG'))).toEqual([4, 6]);
  });

  it('drops tokens rarer than minFreq and keeps the most frequent under maxSize', () => {
    const corpus = 'aaaabbbccd';
    expect(Vocab.build(corpus, { minFreq: 2 }).tokens.slice(4)).toEqual(['a', 'b', 'c']);
    expect(Vocab.build(corpus, { maxSize: 6 }).tokens.slice(4)).toEqual(['a', 'b']);
    const small = Vocab.build(corpus, { maxSize: 6 });
    expect(Array.from(small.encode('abcd'))).toEqual([4, 5, 1, 1]);
  });

  it('lets the caller choose the special tokens; they are not counted as corpus tokens', () => {
    const vocab = Vocab.build(['<s> a b', 'a'], { tokenizer: wordTokenizer, specials: { pad: '<p>', unk: '<s>' } });
    expect(vocab.tokens).toEqual(['<p>', '<s>', 'a', 'b']);
    expect([vocab.padId, vocab.unkId, vocab.bosId, vocab.eosId]).toEqual([0, 1, undefined, undefined]);
  });

  it('rejects an empty corpus, and one where nothing reaches minFreq, with a clear DataError', () => {
    expectThrows(() => Vocab.build(''), 'empty', 'corpus is empty');
    expectThrows(() => Vocab.build([]), 'empty', 'corpus is empty');
    expectThrows(() => Vocab.build('   ', { tokenizer: wordTokenizer }), 'empty', 'corpus is empty');
    expectThrows(() => Vocab.build('abc', { minFreq: 2 }), 'empty', 'minFreq = 2');
  });

  it('names the parameter when an option is out of range', () => {
    expectThrows(() => Vocab.build('abc', { minFreq: 0 }), 'invalid-argument', 'minFreq');
    expectThrows(() => Vocab.build('abc', { maxSize: 4 }), 'invalid-argument', 'maxSize');
    expectThrows(() => Vocab.build('abc', { specials: { pad: 'x', unk: 'x' } }), 'invalid-argument', 'distinct');
  });
});

describe('encode and decode', () => {
  it('round-trip any string over the vocabulary (char level)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).chain((corpus) => {
          const chars = Array.from(corpus);
          return fc.tuple(fc.constant(corpus), fc.array(fc.constantFrom(...chars), { maxLength: 40 }));
        }),
        ([corpus, chars]) => {
          const vocab = Vocab.build(corpus);
          const text = chars.join('');
          expect(vocab.decode(vocab.encode(text))).toBe(text);
          expect(vocab.decode(vocab.encode(text, { bos: true, eos: true }))).toBe(text);
        },
      ),
      { numRuns },
    );
  });

  it('round-trip any sequence of vocabulary words (word level)', () => {
    const word = fc.stringMatching(/^[a-zé'.,!?-]{1,6}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 20 }).chain((words) => fc.tuple(fc.constant(words), fc.array(fc.constantFrom(...words), { maxLength: 20 }))),
        ([words, chosen]) => {
          const vocab = Vocab.build(words.join('  \n'), { tokenizer: wordTokenizer });
          const text = chosen.join(' ');
          expect(vocab.decode(vocab.encode(text))).toBe(text);
        },
      ),
      { numRuns },
    );
  });

  it('maps unknown tokens to unk, and without unk reports the token', () => {
    const vocab = Vocab.build('ab');
    expect(Array.from(vocab.encode('abz'))).toEqual([4, 5, 1]);
    expect(vocab.decode(vocab.encode('abz'))).toBe('ab<unk>');
    const noUnk = Vocab.build('ab', { specials: { pad: '<pad>' } });
    expectThrows(() => noUnk.encode('abz'), 'unknown-token', '"z"');
  });

  it('adds bos/eos on request and drops pad/bos/eos on decode unless asked to keep them', () => {
    const vocab = Vocab.build('ab');
    const ids = vocab.encode('ba', { bos: true, eos: true });
    expect(Array.from(ids)).toEqual([2, 5, 4, 3]);
    expect(vocab.decode([0, ...ids, 0])).toBe('ba');
    expect(vocab.decodeTokens([0, ...ids], { keepSpecials: true })).toEqual(['<pad>', '<bos>', 'b', 'a', '<eos>']);
    expectThrows(() => Vocab.build('ab', { specials: {} }).encode('a', { bos: true }), 'invalid-argument', 'bos');
  });

  it('rejects ids outside the vocabulary', () => {
    const vocab = Vocab.build('ab');
    expectThrows(() => vocab.decode([99]), 'invalid-argument', 'id 99');
    expect(vocab.idOf('a')).toBe(4);
    expect(vocab.idOf('z')).toBeUndefined();
    expect(vocab.tokenOf(5)).toBe('b');
  });

  it('accepts a user tokenizer through the hook', () => {
    const csv = defineTokenizer('csv', (s) => s.split(','), (t) => t.join(','));
    const vocab = Vocab.build('x,y,x', { tokenizer: csv });
    expect(vocab.tokens.slice(4)).toEqual(['x', 'y']);
    expect(vocab.decode(vocab.encode('y,x,x'))).toBe('y,x,x');
  });
});

describe('vocabulary JSON', () => {
  it('round-trips through JSON text with the same ids and tokenizer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.boolean(), (corpus, words) => {
        const tokenizer = words ? wordTokenizer : charTokenizer;
        if (tokenizer.tokenize(corpus).length === 0) return;
        const vocab = Vocab.build(corpus, { tokenizer });
        const back = expectRight(parseVocab(JSON.stringify(vocab)));
        expect(back.tokens).toEqual(vocab.tokens);
        expect(back.specials).toEqual(vocab.specials);
        expect(back.tokenizer).toBe(tokenizer);
        expect(Array.from(back.encode(corpus))).toEqual(Array.from(vocab.encode(corpus)));
      }),
      { numRuns },
    );
  });

  it('needs to be told about a custom tokenizer', () => {
    const csv = defineTokenizer('csv', (s) => s.split(','), (t) => t.join(','));
    const json = Vocab.build('a,b', { tokenizer: csv }).toJSON();
    expect(expectLeft(vocabFromJSON(json), 'parse').message).toContain('"csv" is unknown');
    expect(expectRight(vocabFromJSON(json, { tokenizers: [csv] })).tokenizer).toBe(csv);
  });

  it('reports malformed state as a parse DataError with the file and line', () => {
    const good = Vocab.build('ab').toJSON();
    const bad = [
      { ...good, format: 'other' },
      { ...good, version: 2 },
      { ...good, tokens: ['a', 'a'] },
      { ...good, tokens: ['a', 3] },
      { ...good, specials: { pad: '<nope>' } },
      { ...good, specials: { sep: '<pad>' } },
      [],
      null,
    ];
    for (const json of bad) expectLeft(vocabFromJSON(json, { file: 'v.json' }), 'parse');
    const syntax = expectLeft(parseVocab('{\n "format": "tapestry-vocab",\n "tokens": [,]\n}', { file: 'v.json' }), 'parse');
    expect(syntax.file).toBe('v.json');
    expect(syntax.message).toMatch(/^v\.json:3:\d+: invalid JSON/);
  });

  it('uses the default specials when none are given', () => {
    expect(Vocab.build('a').specials).toEqual(defaultSpecials);
  });
});
