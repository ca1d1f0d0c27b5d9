/**
 * Task 4 — a language model of tiny Shakespeare.
 *
 * The text is split three ways: the first 90% to train on, the next 5% a development
 * slice (validation curves, and the n-gram discounts are tuned there), the last 5% a
 * test slice scored once by every model on the same characters. A 2-layer LSTM over
 * characters (`lm-model.ts`) is trained with dropout off and on; Kneser–Ney n-grams of
 * orders 1..N are the baselines; a word-level variant (the tutorial's model) runs
 * beside it; and the better character model continues a prompt six ways.
 */
import { Rng } from '@tapestry/core';
import { Vocab, getOrThrow, wordTokenizer } from '@tapestry/data';
import { loadTinyShakespeare } from '@tapestry/data/node';
import type { Progress } from '../cli/progress.js';
import type { CellKind } from '../models/recurrent.js';
import { beamSearch, greedy, perToken, sample, sequenceLogProb } from '../text/decoding.js';
import { countNgrams, ngramCrossEntropy } from '../text/ngram-family.js';
import { charRunLabel, loadCharRun, openCharRuns } from './lm-checkpoint.js';
import { evaluateLm, makeLm, stepModel, trainLm, type LmEval, type LmSpec } from './lm-model.js';

/** Settings of the language-model task: every budget is here. */
export interface CharLmConfig {
  /** A UTF-8 text file to train on instead of tiny Shakespeare. */
  readonly text?: string;
  /** The recurrent cell; the tutorial's model is an LSTM. */
  readonly cell: CellKind;
  readonly hidden: number;
  readonly layers: number;
  readonly embed: number;
  readonly batch: number;
  readonly seqLen: number;
  readonly steps: number;
  readonly lr: number;
  /** Evaluations during training. */
  readonly evals: number;
  /** Characters of each evaluation slice (training, development, test). */
  readonly evalChars: number;
  /** The dropout of the "on" run (the tutorial's is 0.3); a second run trains without. */
  readonly dropout: number;
  /** n-gram baselines of orders 1..maxOrder. */
  readonly maxOrder: number;
  /** Kneser–Ney discounts tried per order on the development slice. */
  readonly discounts: readonly number[];
  /** The word-level variant's budget (omit to skip it). */
  readonly word?: { readonly hidden: number; readonly embed: number; readonly vocab: number; readonly batch: number; readonly seqLen: number; readonly steps: number; readonly lr: number };
  readonly prompt: string;
  readonly sampleLength: number;
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly beam: number;
  readonly seed: number;
  /**
   * Skip training: measure, sample and beam-search the character model saved here (a
   * checkpoint file, a run folder, or a `--save` folder: each of its character runs,
   * the better one sampling). The model settings are the checkpoint's.
   */
  readonly checkpoint?: string;
}

/** The defaults `pnpm demo` uses. */
export const charLmDefaults: CharLmConfig = {
  cell: 'lstm',
  hidden: 64,
  layers: 2,
  embed: 16,
  batch: 32,
  seqLen: 32,
  steps: 300,
  lr: 1e-2,
  evals: 5,
  evalChars: 10_000,
  dropout: 0.3,
  maxOrder: 9,
  discounts: [0.5, 0.6, 0.7, 0.8, 0.9, 0.95],
  word: { hidden: 64, embed: 32, vocab: 2000, batch: 32, seqLen: 16, steps: 150, lr: 1e-2 },
  prompt: 'ROMEO:\n',
  sampleLength: 200,
  temperature: 0.8,
  topK: 5,
  topP: 0.9,
  beam: 4,
  seed: 0,
};

/** One character model's training (dropout off or on). */
export interface LmRun {
  readonly dropout: number;
  readonly trainLosses: readonly number[];
  readonly evals: readonly LmEval[];
  /** Loss on the test slice (nats per character). */
  readonly testLoss: number;
  /** Training speed (NaN for a run loaded with `checkpoint`). */
  readonly tokensPerSecond: number;
  readonly interrupted: boolean;
  /** The checkpoint the run was loaded from (`file (step n)`), with `checkpoint`. */
  readonly checkpoint?: string;
}

/** One n-gram order: its tuned discount, and perplexities. */
export interface NgramResult {
  readonly order: number;
  readonly discount: number;
  readonly devPerplexity: number;
  readonly testPerplexity: number;
}

/** One decoded continuation. */
export interface Sample {
  readonly method: string;
  readonly text: string;
  readonly tokens: number;
  /** log P(continuation | prompt) under the model (untempered), and per token. */
  readonly logProb: number;
  readonly perToken: number;
  /** Distinct character 4-grams / all 4-grams of the continuation: low means repetitive. */
  readonly distinct4: number;
}

/** The word-level variant's outcome. */
export interface WordLmResult {
  readonly vocabSize: number;
  /** Fraction of test words outside the vocabulary (they are predicted as the unk token). */
  readonly unkRate: number;
  readonly evals: readonly LmEval[];
  /** Test loss per word, and the same total spread over the test slice's characters. */
  readonly testLoss: number;
  readonly perCharLoss: number;
  readonly trainLosses: readonly number[];
}

/** The task's outcome. */
export interface CharLmResult {
  readonly config: CharLmConfig;
  readonly vocabSize: number;
  readonly trainChars: number;
  /** Characters scored on the test slice by every model. */
  readonly testChars: number;
  readonly runs: readonly LmRun[];
  readonly ngrams: readonly NgramResult[];
  readonly samples: readonly Sample[];
  readonly sampledFrom: number;
  readonly word?: WordLmResult;
  readonly interrupted: boolean;
}

/** Reads the corpus and cuts it 90 / 5 / 5. */
export function loadCorpus(path: string | undefined) {
  const text = getOrThrow(loadTinyShakespeare(path === undefined ? {} : { path }));
  const [a, b] = [Math.floor(text.length * 0.9), Math.floor(text.length * 0.95)];
  return { text, train: text.slice(0, a), dev: text.slice(a, b), test: text.slice(b) };
}

/** The character model's spec from the config. */
export const charSpec = (c: CharLmConfig, dropout: number): LmSpec => ({ ...c, dropout, evalTokens: c.evalChars });

/** Every order 1..maxOrder: the discount with the lowest development perplexity, then its test perplexity. */
function ngramBaselines(c: CharLmConfig, train: string, dev: string, test: string, vocabSize: number): NgramResult[] {
  const family = countNgrams(train, c.maxOrder, vocabSize);
  const out: NgramResult[] = [];
  for (let order = 1; order <= c.maxOrder; order++) {
    const tried = c.discounts.map((d) => ({ d, h: ngramCrossEntropy(family, dev, order, d) })).sort((x, y) => x.h - y.h);
    const best = tried[0];
    out.push({ order, discount: best.d, devPerplexity: Math.exp(best.h), testPerplexity: Math.exp(ngramCrossEntropy(family, test, order, best.d)) });
  }
  return out;
}

/** Distinct character 4-grams over all 4-grams. */
function distinct4(s: string): number {
  const grams = new Set<string>();
  for (let i = 0; i + 4 <= s.length; i++) grams.add(s.slice(i, i + 4));
  return grams.size / Math.max(s.length - 3, 1);
}

/** Greedy, beam, tempered, top-k, top-p and plain samples, each with its log-probability. */
function generate(c: CharLmConfig, model: ReturnType<typeof makeLm>, params: ReturnType<typeof makeLm>['params'], vocab: Vocab): Sample[] {
  const m = stepModel(model, params);
  const prompt = Array.from(vocab.encode(c.prompt));
  const rng = new Rng(c.seed + 1);
  const newline = vocab.encode('\n')[0];
  const beams = beamSearch(m, prompt, c.sampleLength, c.beam, { endToken: newline });
  const outputs: [string, number[]][] = [
    ['greedy', greedy(m, prompt, c.sampleLength)],
    [`beam search (width ${c.beam}, ends at a newline, ranked by log-prob per token)`, [...beams[0].tokens]],
    ['sampling (temperature 1)', sample(m, prompt, c.sampleLength, { rng })],
    [`temperature ${c.temperature}`, sample(m, prompt, c.sampleLength, { rng, temperature: c.temperature })],
    [`top-${c.topK} sampling`, sample(m, prompt, c.sampleLength, { rng, topK: c.topK })],
    [`top-p (nucleus) sampling, p = ${c.topP}`, sample(m, prompt, c.sampleLength, { rng, topP: c.topP })],
  ];
  return outputs.map(([method, tokens]) => {
    const logProb = sequenceLogProb(m, prompt, tokens);
    const continuation = vocab.decode(Int32Array.from(tokens));
    return { method, text: c.prompt + continuation, tokens: tokens.length, logProb, perToken: perToken({ tokens, logProb }), distinct4: distinct4(continuation) };
  });
}

/** The word-level variant: the same model over lower-cased words, the rarest words as unk. */
async function wordLevel(c: CharLmConfig, w: NonNullable<CharLmConfig['word']>, corpus: ReturnType<typeof loadCorpus>, progress: Progress): Promise<WordLmResult> {
  const vocab = Vocab.build(corpus.train, { tokenizer: wordTokenizer, maxSize: w.vocab, specials: { unk: '<unk>' } });
  // About five characters per word: the evaluation slices span about as much text as the character model's.
  const evalTokens = Math.round(c.evalChars / 5);
  const [trainIds, devIds, testIds] = [vocab.encode(corpus.train), vocab.encode(corpus.dev), vocab.encode(corpus.test).subarray(0, evalTokens)];
  const spec: LmSpec = { cell: c.cell, hidden: w.hidden, layers: c.layers, embed: w.embed, dropout: c.dropout, batch: w.batch, seqLen: w.seqLen, steps: w.steps, lr: w.lr, evals: c.evals, evalTokens, seed: c.seed };
  const model = makeLm(spec, vocab.size);
  const { run, evals } = await trainLm(model, trainIds, devIds, `word LM ${c.cell} ${c.layers}×${w.hidden}`, progress);
  const test = evaluateLm(model, run.params, testIds);
  const unk = testIds.reduce((n, id) => n + (id === vocab.unkId ? 1 : 0), 0);
  // The characters those predicted words span: the same total loss per character.
  const words = wordTokenizer.tokenize(corpus.test).slice(1, test.predicted + 1);
  const chars = words.reduce((n, t) => n + t.length + 1, 0);
  return { vocabSize: vocab.size, unkRate: unk / testIds.length, evals, testLoss: test.loss, perCharLoss: (test.loss * test.predicted) / Math.max(chars, 1), trainLosses: run.losses };
}

/**
 * Trains the character models and the word model (or, with `checkpoint`, loads the
 * character models), the n-gram baselines, and decodes.
 */
export async function run(flags: CharLmConfig, progress: Progress): Promise<CharLmResult> {
  const opened = flags.checkpoint === undefined ? undefined : openCharRuns(flags.checkpoint, { ...flags, word: undefined });
  if (opened !== undefined && opened.replaced.length > 0) progress.log(`  the checkpoint's settings replace the flags: ${opened.replaced.join(', ')}`);
  if (opened !== undefined && flags.word !== undefined) progress.log('  the word-level model is not loaded from checkpoints: it does not run with --checkpoint');
  const config = opened?.config ?? flags;
  const corpus = loadCorpus(config.text);
  const vocab = Vocab.build(corpus.text, { specials: {} });
  const [trainIds, devIds] = [vocab.encode(corpus.train), vocab.encode(corpus.dev)];
  const testIds = vocab.encode(corpus.test).subarray(0, config.evalChars);
  const runs: LmRun[] = [];
  let best: { model: ReturnType<typeof makeLm>; params: ReturnType<typeof makeLm>['params']; loss: number; dropout: number } | undefined;
  let testChars = 0;
  const planned: readonly { dropout: number; file?: string }[] = opened?.runs ?? [{ dropout: 0 }, { dropout: config.dropout }];
  for (const { dropout, file } of planned) {
    if (progress.shouldStop()) break;
    const model = makeLm(charSpec(config, dropout), vocab.size);
    const label = charRunLabel(config, dropout);
    const { run: trained, evals, tokensPerSecond } = file === undefined ? await trainLm(model, trainIds, devIds, label, progress) : loadCharRun(model, file, trainIds, devIds);
    const test = evaluateLm(model, trained.params, testIds);
    testChars = test.predicted;
    const checkpoint = file === undefined ? undefined : `${file} (step ${trained.steps})`;
    if (checkpoint !== undefined) {
      progress.log(`  ${label}: loaded ${checkpoint}`);
      progress.checkpoints?.provenance.push(`${label}: test loss, samples and beam search from ${checkpoint}`);
    }
    runs.push({ dropout, trainLosses: trained.losses, evals, testLoss: test.loss, tokensPerSecond, interrupted: trained.interrupted, checkpoint });
    if (best === undefined || test.loss < best.loss) best = { model, params: trained.params, loss: test.loss, dropout };
  }
  // The baselines score exactly the test characters the LSTM predicted (after the first).
  const ngrams = ngramBaselines(config, corpus.train, corpus.dev.slice(0, config.evalChars + 1), corpus.test.slice(0, testChars + 1), vocab.size);
  const word = config.word === undefined || progress.shouldStop() ? undefined : await wordLevel(config, config.word, corpus, progress);
  const samples = best === undefined || progress.shouldStop() ? [] : generate(config, best.model, best.params, vocab);
  return {
    config,
    vocabSize: vocab.size,
    trainChars: corpus.train.length,
    testChars,
    runs,
    ngrams,
    samples,
    sampledFrom: best?.dropout ?? NaN,
    word,
    interrupted: runs.some((r) => r.interrupted) || progress.shouldStop(),
  };
}
