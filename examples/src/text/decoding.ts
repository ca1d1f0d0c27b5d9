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
}

/** Continues `prompt` by `length` tokens drawn from the (tempered, top-k) distribution. */
export function sample<S>(model: StepModel<S>, prompt: readonly number[], length: number, options: SampleOptions): number[] {
  const { rng, temperature = 1, topK = model.vocabSize } = options;
  if (!(temperature > 0)) throw new RangeError(`sample: temperature must be > 0, got ${temperature}`);
  let { state, logProbs } = prime(model, prompt);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const next = rng.categorical(temperedWeights(logProbs, temperature, topK));
    out.push(next);
    ({ state, logProbs } = model.step(state, [next]));
  }
  return out;
}

/** exp(logp / T), zero outside the top k; scaled by the maximum for numerical safety. */
function temperedWeights(logProbs: ArrayLike<number>, temperature: number, topK: number): Float64Array {
  const V = logProbs.length;
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logProbs[b] - logProbs[a] || a - b);
  const w = new Float64Array(V);
  const top = logProbs[order[0]];
  for (const i of order.slice(0, Math.max(1, Math.min(topK, V)))) w[i] = Math.exp((logProbs[i] - top) / temperature);
  return w;
}

/** A finished beam: its tokens and their total log-probability. */
export interface Beam {
  readonly tokens: readonly number[];
  readonly logProb: number;
}

/**
 * Beam search: keeps the `width` most likely continuations at every step (all beams run
 * as one batch) and returns them, best first, after `length` tokens. With width 1 it is
 * exactly greedy decoding (ties go to the lower token id in both).
 */
export function beamSearch<S>(model: StepModel<S>, prompt: readonly number[], length: number, width: number): Beam[] {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`beamSearch: width must be a positive integer, got ${width}`);
  const V = model.vocabSize;
  let { state, logProbs } = prime(model, prompt);
  let beams: Beam[] = [{ tokens: [], logProb: 0 }];
  for (let i = 0; i < length; i++) {
    // Every (beam, token) extension, ranked by total log-probability.
    const candidates: { beam: number; token: number; score: number; step: number }[] = [];
    beams.forEach((b, r) => {
      for (let v = 0; v < V; v++) candidates.push({ beam: r, token: v, score: b.logProb + logProbs[r * V + v], step: logProbs[r * V + v] });
    });
    // Ties (also those made by rounding the sum) go to the likelier step, then the lower ids.
    candidates.sort((a, b) => b.score - a.score || b.step - a.step || a.beam - b.beam || a.token - b.token);
    const kept = candidates.slice(0, width);
    beams = kept.map((c) => ({ tokens: [...beams[c.beam].tokens, c.token], logProb: c.score }));
    ({ state, logProbs } = model.step(model.select(state, kept.map((c) => c.beam)), kept.map((c) => c.token)));
  }
  return beams;
}
