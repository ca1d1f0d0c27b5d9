/**
 * Generating text from a trained language model, one token at a time: greedy decoding,
 * sampling with a temperature and top-k, and beam search. The model is anything that
 * can take one token per row and return next-token log-probabilities, so the same code
 * decodes an LSTM, a GRU or a toy table in a test.
 */
import type { Rng } from '@tapestry/core';

/** A language model seen one step at a time; `S` is its recurrent state for a batch. */
export interface StepModel<S> {
  readonly vocabSize: number;
  /** The state before any token, for `batch` rows. */
  initState(batch: number): S;
  /** Feeds one token per row; returns next-token log-probabilities (row-major [B, V]) and the new state. */
  step(state: S, tokens: readonly number[]): { readonly logProbs: ArrayLike<number>; readonly state: S };
  /** The state of the given rows, in that order (rows may repeat): how beams are reordered. */
  select(state: S, rows: readonly number[]): S;
}

/** Feeds the prompt to a batch of one; returns the state and the log-probabilities after it. */
function prime<S>(model: StepModel<S>, prompt: readonly number[]): { state: S; logProbs: ArrayLike<number> } {
  if (prompt.length === 0) throw new RangeError('decoding: the prompt must have at least one token');
  let state = model.initState(1);
  let logProbs: ArrayLike<number> = [];
  for (const token of prompt) ({ state, logProbs } = model.step(state, [token]));
  return { state, logProbs };
}

/** Index of the largest value (the first one on ties). */
export function argmax(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (xs[i] > xs[best]) best = i;
  return best - from;
}

/** Continues `prompt` by `length` tokens, each the most likely one. */
export function greedy<S>(model: StepModel<S>, prompt: readonly number[], length: number): number[] {
  let { state, logProbs } = prime(model, prompt);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const next = argmax(logProbs);
    out.push(next);
    ({ state, logProbs } = model.step(state, [next]));
  }
  return out;
}

/** Options of {@link sample}. */
export interface SampleOptions {
  readonly rng: Rng;
  /** Divides the logits: < 1 sharpens, > 1 flattens. Default 1. */
  readonly temperature?: number;
  /** Sample only among the k most likely tokens. Default: all. */
  readonly topK?: number;
  /** Nucleus sampling: only the smallest set of most likely tokens whose probability reaches p. Default 1 (all). */
  readonly topP?: number;
}

/** Continues `prompt` by `length` tokens drawn from the (tempered, top-k, top-p) distribution. */
export function sample<S>(model: StepModel<S>, prompt: readonly number[], length: number, options: SampleOptions): number[] {
  const { rng, temperature = 1, topK = model.vocabSize, topP = 1 } = options;
  if (!(temperature > 0)) throw new RangeError(`sample: temperature must be > 0, got ${temperature}`);
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`sample: topP must be in (0, 1], got ${topP}`);
  let { state, logProbs } = prime(model, prompt);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const next = rng.categorical(temperedWeights(logProbs, temperature, topK, topP));
    out.push(next);
    ({ state, logProbs } = model.step(state, [next]));
  }
  return out;
}

/**
 * exp(logp / T) on the top k tokens that also form the nucleus (the most likely tokens
 * until their untempered probability reaches p), zero elsewhere; scaled by the maximum
 * for numerical safety.
 */
function temperedWeights(logProbs: ArrayLike<number>, temperature: number, topK: number, topP: number): Float64Array {
  const V = logProbs.length;
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logProbs[b] - logProbs[a] || a - b);
  const w = new Float64Array(V);
  const top = logProbs[order[0]];
  let mass = 0;
  for (const i of order.slice(0, Math.max(1, Math.min(topK, V)))) {
    if (mass >= topP) break;
    w[i] = Math.exp((logProbs[i] - top) / temperature);
    mass += Math.exp(logProbs[i]);
  }
  return w;
}

/** log P(tokens | prompt) under the model: the sum of each token's log-probability. */
export function sequenceLogProb<S>(model: StepModel<S>, prompt: readonly number[], tokens: readonly number[]): number {
  let { state, logProbs } = prime(model, prompt);
  let total = 0;
  for (const t of tokens) {
    total += logProbs[t];
    ({ state, logProbs } = model.step(state, [t]));
  }
  return total;
}

/** A finished beam: its tokens and their total log-probability. */
export interface Beam {
  readonly tokens: readonly number[];
  readonly logProb: number;
}

/** Options of {@link beamSearch}. */
export interface BeamOptions {
  /** A beam that emits this token is finished (it is kept, with the token). */
  readonly endToken?: number;
}

/** A beam's score for ranking finished beams: log-probability per token (length-normalised). */
export const perToken = (b: Beam): number => b.logProb / Math.max(b.tokens.length, 1);

/**
 * Beam search: keeps the `width` most likely continuations at every step (all beams run
 * as one batch). A beam ends when it emits `endToken` or reaches `length` tokens; the
 * finished beams are returned best first by log-probability *per token* — without that
 * normalisation a shorter beam would win just for having fewer factors below one. With
 * width 1 and no end token it is exactly greedy decoding (ties go to the lower token id
 * in both).
 */
export function beamSearch<S>(model: StepModel<S>, prompt: readonly number[], length: number, width: number, options: BeamOptions = {}): Beam[] {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`beamSearch: width must be a positive integer, got ${width}`);
  const V = model.vocabSize;
  let { state, logProbs } = prime(model, prompt);
  let beams: Beam[] = [{ tokens: [], logProb: 0 }];
  const finished: Beam[] = [];
  for (let i = 0; i < length && beams.length > 0; i++) {
    // Every (beam, token) extension, ranked by total log-probability.
    const candidates: { beam: number; token: number; score: number; step: number }[] = [];
    beams.forEach((b, r) => {
      for (let v = 0; v < V; v++) candidates.push({ beam: r, token: v, score: b.logProb + logProbs[r * V + v], step: logProbs[r * V + v] });
    });
    // Ties (also those made by rounding the sum) go to the likelier step, then the lower ids.
    candidates.sort((a, b) => b.score - a.score || b.step - a.step || a.beam - b.beam || a.token - b.token);
    const kept = candidates.slice(0, width - finished.length);
    const extended = kept.map((c) => ({ tokens: [...beams[c.beam].tokens, c.token], logProb: c.score }));
    const open = kept.filter((c) => c.token !== options.endToken);
    finished.push(...extended.filter((b) => b.tokens[b.tokens.length - 1] === options.endToken));
    beams = extended.filter((b) => b.tokens[b.tokens.length - 1] !== options.endToken);
    if (beams.length > 0) ({ state, logProbs } = model.step(model.select(state, open.map((c) => c.beam)), open.map((c) => c.token)));
  }
  return [...finished, ...beams].sort((a, b) => perToken(b) - perToken(a));
}
