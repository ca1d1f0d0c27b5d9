/**
 * The baseline a language model has to beat: a character n-gram model with interpolated
 * Kneser–Ney smoothing (Chen & Goodman 1998, with one discount D per model).
 *
 *   P(w | h) = max(c(h w) − D, 0) / c(h)  +  D · N₁₊(h •) / c(h) · P(w | h′)
 *
 * where h′ drops the oldest character of h. The highest order counts occurrences; the
 * lower orders count *continuations* N₁₊(• h w) — in how many distinct contexts a
 * suffix appears — which is what makes Kneser–Ney better than plain backoff. The lowest
 * order interpolates with the uniform distribution over the vocabulary, so every
 * character has non-zero probability. An unseen context backs off entirely.
 *
 * Characters are UTF-16 code units (tiny Shakespeare is ASCII, so they are its characters).
 */

/** Counts following one context. */
interface ContextCounts {
  readonly next: Map<string, number>;
  total: number;
}

/** A trained model. */
export interface NgramModel {
  readonly order: number;
  readonly discount: number;
  readonly vocabSize: number;
  /** tables[k] maps a context of k characters to its follower counts (k = 0..order−1). */
  readonly tables: readonly Map<string, ContextCounts>[];
}

/** Options of {@link trainNgram}. */
export interface NgramOptions {
  /** n: the model conditions on n − 1 previous characters. Default 5. */
  readonly order?: number;
  /** Kneser–Ney discount D in (0, 1). Default 0.75. */
  readonly discount?: number;
  /** Size of the alphabet the uniform floor spreads over (≥ distinct characters of the text). */
  readonly vocabSize: number;
}

/**
 * Counts a training text: every n-gram of length 1..order, then the top order's counts
 * as they are and each lower order's as continuation counts — the number of distinct
 * characters seen just before the n-gram (the start of the text counts as one).
 */
export function trainNgram(text: string, options: NgramOptions): NgramModel {
  const { order = 5, discount = 0.75, vocabSize } = options;
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`trainNgram: order must be a positive integer, got ${order}`);
  if (!(discount > 0 && discount < 1)) throw new RangeError(`trainNgram: discount must be in (0, 1), got ${discount}`);
  const grams = Array.from({ length: order + 1 }, () => new Map<string, number>());
  for (let m = 1; m <= order; m++) {
    for (let i = 0; i + m <= text.length; i++) {
      const g = text.substring(i, i + m);
      grams[m].set(g, (grams[m].get(g) ?? 0) + 1);
    }
  }
  const tables = Array.from({ length: order }, () => new Map<string, ContextCounts>());
  for (const [g, n] of grams[order]) add(tables[order - 1], g, n);
  for (let m = 1; m < order; m++) {
    for (const g of grams[m + 1].keys()) add(tables[m - 1], g.substring(1), 1);
    add(tables[m - 1], text.substring(0, m), 1);
  }
  return { order, discount, vocabSize, tables };
}

/** Adds `n` to the count of the gram's last character after its context. */
function add(table: Map<string, ContextCounts>, gram: string, n: number): void {
  const context = gram.substring(0, gram.length - 1);
  const w = gram.substring(gram.length - 1);
  let entry = table.get(context);
  if (entry === undefined) table.set(context, (entry = { next: new Map(), total: 0 }));
  entry.next.set(w, (entry.next.get(w) ?? 0) + n);
  entry.total += n;
}

/** P(w | context) under the model; `context` may be shorter than order − 1. */
export function ngramProbability(model: NgramModel, context: string, w: string): number {
  const history = context.substring(Math.max(0, context.length - (model.order - 1)));
  let p = 1 / model.vocabSize;
  // From the lowest order up: each order mixes its discounted estimate with the one below.
  for (let k = 0; k <= history.length; k++) {
    const entry = model.tables[k].get(history.substring(history.length - k));
    if (entry === undefined) continue;
    const c = entry.next.get(w) ?? 0;
    const D = model.discount;
    p = Math.max(c - D, 0) / entry.total + ((D * entry.next.size) / entry.total) * p;
  }
  return p;
}

/**
 * Perplexity on `text`: exp of the mean negative log-probability of every character
 * after the first, each conditioned on up to order − 1 preceding characters of `text`.
 */
export function ngramPerplexity(model: NgramModel, text: string): number {
  let nll = 0;
  for (let i = 1; i < text.length; i++) {
    const context = text.substring(Math.max(0, i - model.order + 1), i);
    nll -= Math.log(ngramProbability(model, context, text[i]));
  }
  return Math.exp(nll / (text.length - 1));
}
