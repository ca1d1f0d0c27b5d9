import { Rng } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import { beamSearch, greedy, perToken, sample, sequenceLogProb, type StepModel } from '../src/text/decoding.js';
import { IntMap } from '../src/text/int-map.js';
import { countNgrams, ngramCrossEntropy } from '../src/text/ngram-family.js';
import { ngramPerplexity, ngramProbability, trainNgram } from '../src/text/ngram.js';

describe('Kneser–Ney n-gram', () => {
  it('matches a perplexity computed by hand on a toy corpus', () => {
    // Corpus "abab", bigrams, D = 0.5, V = 2.
    // Top order (raw counts): c(ab) = 2, c(ba) = 1, so P(b|a) = 1.5/2 + 0.5·1/2·P1(b), P(a|b) = 0.5/1 + 0.5·1/1·P1(a).
    // Unigram continuation counts: a after {b, start} = 2, b after {a} = 1, total 3, two types:
    //   P1(a) = 1.5/3 + 0.5·2/3·½ = 2/3, P1(b) = 0.5/3 + 1/6 = 1/3.
    // So P(b|a) = 0.75 + 0.25·⅓ = 5/6 and P(a|b) = 0.5 + 0.5·⅔ = 5/6; on "aba" the perplexity is 6/5.
    const model = trainNgram('abab', { order: 2, discount: 0.5, vocabSize: 2 });
    expect(ngramProbability(model, '', 'a')).toBeCloseTo(2 / 3, 12);
    expect(ngramProbability(model, 'a', 'b')).toBeCloseTo(5 / 6, 12);
    expect(ngramProbability(model, 'b', 'a')).toBeCloseTo(5 / 6, 12);
    expect(ngramPerplexity(model, 'aba')).toBeCloseTo(1.2, 12);
  });

  it('gives every context a distribution that sums to one, unseen characters included', () => {
    const text = 'the cat sat on the mat. the dog sat on the log.';
    const alphabet = [...new Set(text + 'xyz')];
    const model = trainNgram(text, { order: 4, vocabSize: alphabet.length });
    for (const context of ['', 'the', 'e c', 'zzz', ' on']) {
      const total = alphabet.reduce((s, w) => s + ngramProbability(model, context, w), 0);
      expect(total).toBeCloseTo(1, 12);
      expect(ngramProbability(model, context, 'x')).toBeGreaterThan(0);
    }
  });
});

describe('n-gram family (integer ids)', () => {
  it('gives exactly the string-keyed reference model\'s perplexity for every order and discount', () => {
    const text = 'the cat sat on the mat. the dog sat on the log. a cat, a dog, a mat.'.repeat(3);
    const held = 'the dog sat on a cat. the log sat on the mat!';
    const V = new Set(text + held).size;
    const family = countNgrams(text, 6, V);
    for (let order = 1; order <= 6; order++) {
      for (const D of [0.3, 0.75, 0.9]) {
        const reference = ngramPerplexity(trainNgram(text, { order, discount: D, vocabSize: V }), held);
        // Same sums in the same order: equal up to the last bits of exp/log.
        expect(Math.exp(ngramCrossEntropy(family, held, order, D))).toBeCloseTo(reference, 10);
      }
    }
  });

  it('rejects an order it did not count and a discount outside (0, 1)', () => {
    const family = countNgrams('abcabc', 3, 3);
    expect(() => ngramCrossEntropy(family, 'abc', 4, 0.5)).toThrow(/order must be in 1..3/);
    expect(() => ngramCrossEntropy(family, 'abc', 2, 1)).toThrow(/discount must be in \(0, 1\)/);
  });

  it('IntMap keeps every key through growth', () => {
    const m = new IntMap(2);
    const keys = Array.from({ length: 5000 }, (_, k) => k * 7919);
    expect(keys.map((key, k) => m.getOrSet(key, k))).toEqual(keys.map((_, k) => k));
    expect(keys.map((key) => m.get(key))).toEqual(keys.map((_, k) => k));
    expect(m.get(3)).toBe(-1);
    expect(m.size).toBe(5000);
  });
});

/** A toy step model: a fixed random next-token table (a bigram model). */
function tableModel(V: number, seed: number): StepModel<number[]> {
  const rng = new Rng(seed);
  const table = Array.from({ length: V }, () => {
    const w = Array.from({ length: V }, () => rng.nextFloat() + 0.01);
    const z = w.reduce((a, b) => a + b, 0);
    return w.map((x) => Math.log(x / z));
  });
  return {
    vocabSize: V,
    initState: (batch) => new Array<number>(batch).fill(0),
    step: (_state, tokens) => ({ logProbs: tokens.flatMap((t) => table[t]), state: [...tokens] }),
    select: (state, rows) => rows.map((r) => state[r]),
  };
}

describe('decoding', () => {
  it('beam search with width 1 is greedy decoding', () => {
    for (let seed = 0; seed < 5; seed++) {
      const m = tableModel(7, seed);
      expect(beamSearch(m, [1, 2], 30, 1)[0].tokens).toEqual(greedy(m, [1, 2], 30));
    }
  });

  it('wider beams find continuations at least as likely as greedy', () => {
    const m = tableModel(6, 3);
    const score = (tokens: readonly number[]): number => {
      let prev = 0;
      let s = 0;
      for (const t of tokens) {
        s += (m.step([0], [prev]).logProbs as number[])[t];
        prev = t;
      }
      return s;
    };
    const g = greedy(m, [0], 12);
    const best = beamSearch(m, [0], 12, 5)[0];
    expect(best.logProb).toBeCloseTo(score(best.tokens), 9);
    expect(best.logProb).toBeGreaterThanOrEqual(score(g) - 1e-9);
  });

  it('a tiny top-p keeps only the most likely token (greedy); top-p 1 is plain sampling', () => {
    const m = tableModel(6, 2);
    expect(sample(m, [0], 15, { rng: new Rng(1), topP: 1e-6 })).toEqual(greedy(m, [0], 15));
    expect(sample(m, [0], 15, { rng: new Rng(5), topP: 1 })).toEqual(sample(m, [0], 15, { rng: new Rng(5) }));
  });

  it('sequenceLogProb is the beam\'s own score, and finished beams are ranked per token', () => {
    const m = tableModel(5, 4);
    const beams = beamSearch(m, [1], 10, 3);
    for (const b of beams) expect(sequenceLogProb(m, [1], b.tokens)).toBeCloseTo(b.logProb, 9);
    const ended = beamSearch(m, [1], 10, 3, { endToken: 2 });
    for (let i = 1; i < ended.length; i++) expect(perToken(ended[i - 1])).toBeGreaterThanOrEqual(perToken(ended[i]));
    // A beam ends at the end token or at the length limit, never later.
    for (const b of ended) expect(b.tokens.length === 10 || b.tokens[b.tokens.length - 1] === 2).toBe(true);
  });

  it('top-1 sampling is greedy, and sampling is reproducible from the seed', () => {
    const m = tableModel(5, 1);
    expect(sample(m, [0], 20, { rng: new Rng(9), topK: 1 })).toEqual(greedy(m, [0], 20));
    expect(sample(m, [0], 20, { rng: new Rng(4), temperature: 0.7 })).toEqual(sample(m, [0], 20, { rng: new Rng(4), temperature: 0.7 }));
  });
});
