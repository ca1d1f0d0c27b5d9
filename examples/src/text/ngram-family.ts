/**
 * Interpolated Kneser–Ney models of every order 1..N from one pass of counting, with
 * integer ids instead of strings so that order 9 over a million characters takes
 * seconds. The model is the one of `ngram.ts` (same formula, same continuation counts);
 * this file only changes how the counts are stored:
 *
 * - every distinct m-gram gets a dense id at level m, interned from the id of its first
 *   m − 1 characters and its last character (`prefix · V + char`), so keys stay small;
 * - a model of order n uses raw counts at level n and continuation counts N₁₊(• g) at
 *   the levels below — which do not depend on n, so all orders share them.
 */

import { IntMap } from './int-map.js';

/** Counts of all orders up to `maxOrder` of one training text. */
export interface NgramFamily {
  readonly maxOrder: number;
  /** Alphabet size for the uniform floor. */
  readonly vocabSize: number;
  /** Character → symbol index (the training text's characters, then any seen later map to −1). */
  readonly symbols: ReadonlyMap<string, number>;
  /** levels[m − 1] describes the m-grams. */
  readonly levels: readonly Level[];
}

/** The distinct m-grams of one length. */
interface Level {
  /** (id of the first m − 1 characters) · S + last symbol → id of the m-gram. */
  readonly ids: IntMap;
  /** By m-gram id: occurrences, and distinct left extensions (the start of the text counts as one). */
  readonly raw: Int32Array;
  readonly continuation: Int32Array;
  /** By context id (an (m − 1)-gram, or 0 for the empty context): sums and distinct followers. */
  readonly rawTotal: Int32Array;
  readonly continuationTotal: Int32Array;
  readonly followers: Int32Array;
}

/** Counts every m-gram, m = 1..maxOrder, of `text`. */
export function countNgrams(text: string, maxOrder: number, vocabSize: number): NgramFamily {
  if (!Number.isInteger(maxOrder) || maxOrder < 1) throw new RangeError(`countNgrams: maxOrder must be a positive integer, got ${maxOrder}`);
  const symbols = new Map<string, number>();
  // By UTF-16 code unit, through a table: a Map lookup per character of a long text is slow.
  const byCode = new Int32Array(65536).fill(-1);
  const x = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (byCode[code] === -1) {
      byCode[code] = symbols.size;
      symbols.set(text[i], symbols.size);
    }
    x[i] = byCode[code];
  }
  if (vocabSize < symbols.size) throw new RangeError(`countNgrams: vocabSize ${vocabSize} is smaller than the text's ${symbols.size} distinct characters`);
  const S = Math.max(symbols.size, 1);
  const L = x.length;
  // gram[i]: id of the m-gram starting at i at the current level (−1 past the end).
  let previous = new Int32Array(L); // level 0: the empty context, id 0 everywhere
  const raws: number[][] = [];
  const maps: IntMap[] = [];
  const suffixes: number[][] = [];
  const prefixes: number[][] = [];
  const starts: number[] = [];
  for (let m = 1; m <= maxOrder; m++) {
    const ids = new IntMap(Math.min(L, 1 << 20));
    const raw: number[] = [];
    const suffix: number[] = [];
    const prefix: number[] = [];
    const gram = new Int32Array(L).fill(-1);
    for (let i = 0; i + m <= L; i++) {
      const key = previous[i] * S + x[i + m - 1];
      const id = ids.getOrSet(key, raw.length);
      if (id === raw.length) {
        raw.push(0);
        prefix.push(previous[i]);
        suffix.push(m === 1 ? 0 : previous[i + 1]); // the (m − 1)-gram starting one later
      }
      raw[id]++;
      gram[i] = id;
    }
    maps.push(ids);
    raws.push(raw);
    suffixes.push(suffix);
    prefixes.push(prefix);
    starts.push(gram[0]);
    previous = gram;
  }
  return { maxOrder, vocabSize, symbols, levels: buildLevels(raws, maps, suffixes, prefixes, starts) };
}

/** Continuation counts, and per-context totals and follower counts, for every level. */
function buildLevels(raws: number[][], maps: IntMap[], suffixes: number[][], prefixes: number[][], starts: readonly number[]): Level[] {
  const N = raws.length;
  const levels: Level[] = [];
  for (let m = 1; m <= N; m++) {
    const n = raws[m - 1].length;
    const raw = Int32Array.from(raws[m - 1]);
    const continuation = new Int32Array(n);
    if (m < N) for (const s of suffixes[m]) continuation[s]++; // each distinct (m+1)-gram extends its suffix once
    else continuation.set(raw); // never used as a lower order
    // The m-gram at the start of the text has one more left context: the start itself.
    if (starts[m - 1] >= 0) continuation[starts[m - 1]]++;
    const contexts = m === 1 ? 1 : raws[m - 2].length;
    const [rawTotal, continuationTotal, followers] = [new Int32Array(contexts), new Int32Array(contexts), new Int32Array(contexts)];
    const prefix = prefixes[m - 1];
    for (let id = 0; id < n; id++) {
      rawTotal[prefix[id]] += raw[id];
      continuationTotal[prefix[id]] += continuation[id];
      followers[prefix[id]]++;
    }
    levels.push({ ids: maps[m - 1], raw, continuation, rawTotal, continuationTotal, followers });
  }
  return levels;
}

/**
 * Mean negative log-probability per character of `text` (after its first character)
 * under the order-`order` model with discount `discount`; perplexity is its exp.
 */
export function ngramCrossEntropy(f: NgramFamily, text: string, order: number, discount: number): number {
  if (!(order >= 1 && order <= f.maxOrder)) throw new RangeError(`ngramCrossEntropy: order must be in 1..${f.maxOrder}, got ${order}`);
  if (!(discount > 0 && discount < 1)) throw new RangeError(`ngramCrossEntropy: discount must be in (0, 1), got ${discount}`);
  const grams = gramIds(f, text, order);
  const L = text.length;
  let nll = 0;
  for (let i = 1; i < L; i++) {
    let p = 1 / f.vocabSize;
    for (let k = 0; k <= Math.min(order - 1, i); k++) {
      const context = k === 0 ? 0 : grams[k - 1][i - k];
      if (context < 0) continue; // an unseen context backs off entirely
      const level = f.levels[k];
      const top = k + 1 === order;
      const total = (top ? level.rawTotal : level.continuationTotal)[context];
      if (total === 0) continue;
      const id = grams[k][i - k];
      const c = id < 0 ? 0 : (top ? level.raw : level.continuation)[id];
      p = Math.max(c - discount, 0) / total + ((discount * level.followers[context]) / total) * p;
    }
    nll -= Math.log(p);
  }
  return nll / (L - 1);
}

/** ids[m − 1][i]: id of the m-gram of `text` starting at i, or −1 when unseen in training. */
function gramIds(f: NgramFamily, text: string, order: number): Int32Array[] {
  const S = Math.max(f.symbols.size, 1);
  const x = Int32Array.from(text, (ch) => f.symbols.get(ch) ?? -1);
  const out: Int32Array[] = [];
  let previous = new Int32Array(x.length);
  for (let m = 1; m <= order; m++) {
    const gram = new Int32Array(x.length).fill(-1);
    for (let i = 0; i + m <= x.length; i++) {
      if (previous[i] < 0 || x[i + m - 1] < 0) continue;
      gram[i] = f.levels[m - 1].ids.get(previous[i] * S + x[i + m - 1]);
    }
    out.push(gram);
    previous = gram;
  }
  return out;
}
