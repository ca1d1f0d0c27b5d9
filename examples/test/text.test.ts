import { Rng } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import { beamSearch, greedy, sample, type StepModel } from '../src/text/decoding.js';
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

  it('top-1 sampling is greedy, and sampling is reproducible from the seed', () => {
    const m = tableModel(5, 1);
    expect(sample(m, [0], 20, { rng: new Rng(9), topK: 1 })).toEqual(greedy(m, [0], 20));
    expect(sample(m, [0], 20, { rng: new Rng(4), temperature: 0.7 })).toEqual(sample(m, [0], 20, { rng: new Rng(4), temperature: 0.7 }));
  });
});
