import { DataError, checkInteger, checkOptionKeys } from './errors.js';
import type { Tokenizer } from './tokenizers.js';
import { charTokenizer } from './tokenizers.js';

/** The roles a special token can have. */
export type SpecialName = 'pad' | 'unk' | 'bos' | 'eos';

/** Special token strings by role; a role that is absent has no token. */
export type SpecialTokens = { readonly [K in SpecialName]?: string };

/** The order special tokens take the first ids in (so `pad` is id 0 when present). */
export const specialNames: readonly SpecialName[] = ['pad', 'unk', 'bos', 'eos'];

/** The special tokens a vocabulary gets unless told otherwise: ids 0–3. */
export const defaultSpecials: Required<SpecialTokens> = { pad: '<pad>', unk: '<unk>', bos: '<bos>', eos: '<eos>' };

/** Options of {@link Vocab.build}. */
export interface VocabBuildOptions {
  /** How to split the corpus; defaults to {@link charTokenizer}. */
  tokenizer?: Tokenizer;
  /** Tokens seen fewer times than this are left out (they encode as unk). Default 1. */
  minFreq?: number;
  /** The largest vocabulary size, special tokens included; the rarest tokens go first. */
  maxSize?: number;
  /** Which special tokens to have, replacing the defaults; `{}` gives none. Default {@link defaultSpecials}. */
  specials?: SpecialTokens;
}

/** Options of {@link Vocab.encode}. */
export interface EncodeOptions {
  /** Prepend the bos token. */
  bos?: boolean;
  /** Append the eos token. */
  eos?: boolean;
}

/** Options of {@link Vocab.decode}. */
export interface DecodeOptions {
  /** Keep pad, bos and eos tokens in the output (they are dropped by default; unk is always kept). */
  keepSpecials?: boolean;
}

/** The JSON form of a vocabulary, as written by {@link Vocab.toJSON}. */
export interface VocabJSON {
  /** Identifies the file as a Tapestry vocabulary. */
  format: 'tapestry-vocab';
  /** The layout version; readers reject versions they do not know. */
  version: 1;
  /** The tokenizer's name. */
  tokenizer: string;
  /** Token strings by id, special tokens included. */
  tokens: string[];
  /** Special token strings by role; each is also in `tokens`. */
  specials: SpecialTokenStrings;
}

/** The special tokens of a vocabulary file, by role (each optional). */
export interface SpecialTokenStrings {
  /** Padding. */
  pad?: string;
  /** Out-of-vocabulary tokens. */
  unk?: string;
  /** Beginning of a sequence. */
  bos?: string;
  /** End of a sequence. */
  eos?: string;
}

/**
 * A mapping between tokens and integer ids, with its tokenizer.
 *
 * Ids are stable: special tokens first (pad, unk, bos, eos — those present), then tokens
 * by falling frequency, ties broken by code-unit order of the token strings (not by
 * locale), so the same corpus gives the same ids on every machine.
 *
 * @example
 * ```ts
 * import { Vocab, wordTokenizer } from '@tapestry/data';
 * const vocab = Vocab.build('the cat saw the dog', { tokenizer: wordTokenizer });
 * const ids = vocab.encode('the dog'); // Int32Array [4, 6]
 * vocab.decode(ids); // 'the dog'
 * const again = JSON.stringify(vocab); // load with parseVocab
 * ```
 */
export class Vocab {
  /** The id of the padding token, if the vocabulary has one. */
  readonly padId: number | undefined;
  /** The id of the unknown token, if the vocabulary has one. */
  readonly unkId: number | undefined;
  /** The id of the begin-of-sequence token, if the vocabulary has one. */
  readonly bosId: number | undefined;
  /** The id of the end-of-sequence token, if the vocabulary has one. */
  readonly eosId: number | undefined;
  private readonly index: ReadonlyMap<string, number>;
  private readonly skipOnDecode: ReadonlySet<number>;

  private constructor(
    /** Token strings by id. */
    readonly tokens: readonly string[],
    /** Special token strings by role. */
    readonly specials: SpecialTokens,
    /** The tokenizer that turns text into tokens for {@link Vocab.encode}. */
    readonly tokenizer: Tokenizer,
  ) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
    const idOf = (name: SpecialName): number | undefined => {
      const token = specials[name];
      return token === undefined ? undefined : this.index.get(token);
    };
    this.padId = idOf('pad');
    this.unkId = idOf('unk');
    this.bosId = idOf('bos');
    this.eosId = idOf('eos');
    this.skipOnDecode = new Set([this.padId, this.bosId, this.eosId].filter((id): id is number => id !== undefined));
  }

  /**
   * Builds a vocabulary from a corpus: one text, or many (e.g. one per name). Throws a
   * {@link DataError} of kind `empty` when the corpus has no token that is kept.
   */
  static build(corpus: string | Iterable<string>, options: VocabBuildOptions = {}): Vocab {
    checkOptionKeys('Vocab.build', options, { tokenizer: true, minFreq: true, maxSize: true, specials: true });
    const { tokenizer = charTokenizer, minFreq = 1, maxSize = Infinity, specials = defaultSpecials } = options;
    checkInteger('Vocab.build', 'minFreq', minFreq, 1);
    const specialList = orderedSpecials('Vocab.build', specials);
    if (maxSize !== Infinity) checkInteger('Vocab.build', 'maxSize', maxSize, specialList.length + 1);
    const counts = countTokens(typeof corpus === 'string' ? [corpus] : corpus, tokenizer);
    for (const s of specialList) counts.delete(s);
    // A tokenizer that yields '' would give a token no text can be split into.
    counts.delete('');
    if (counts.size === 0) throw new DataError('empty', 'Vocab.build: the corpus is empty (it has no tokens)');
    const kept = [...counts].filter(([, n]) => n >= minFreq).sort(byCountThenToken);
    if (kept.length === 0) throw new DataError('empty', `Vocab.build: no token occurs at least minFreq = ${minFreq} times`);
    const room = maxSize - specialList.length;
    const tokens = [...specialList, ...kept.slice(0, room).map(([t]) => t)];
    return new Vocab(tokens, pickSpecials(specials), tokenizer);
  }

  /**
   * A vocabulary with exactly these tokens (ids are positions). Every special token must
   * be among `tokens`. Throws a {@link DataError} if a token is empty or repeats, if two
   * roles share one special token (pad = unk), or if a special is missing.
   */
  static fromTokens(tokens: readonly string[], options: { tokenizer?: Tokenizer; specials?: SpecialTokens } = {}): Vocab {
    checkOptionKeys('Vocab.fromTokens', options, { tokenizer: true, specials: true });
    const { tokenizer = charTokenizer, specials = {} } = options;
    orderedSpecials('Vocab.fromTokens', specials);
    const seen = new Set<string>();
    tokens.forEach((t, id) => {
      if (t === '') throw new DataError('invalid-argument', `Vocab.fromTokens: the token with id ${id} is empty`);
      if (seen.has(t)) throw new DataError('invalid-argument', `Vocab.fromTokens: token ${JSON.stringify(t)} appears twice`);
      seen.add(t);
    });
    for (const name of specialNames) {
      const s = specials[name];
      if (s !== undefined && !seen.has(s)) {
        throw new DataError('invalid-argument', `Vocab.fromTokens: special ${name} token ${JSON.stringify(s)} is not among the tokens`);
      }
    }
    return new Vocab([...tokens], pickSpecials(specials), tokenizer);
  }

  /** Number of ids, special tokens included. */
  get size(): number {
    return this.tokens.length;
  }

  /** The id of `token`, or `undefined` if it is not in the vocabulary. */
  idOf(token: string): number | undefined {
    return this.index.get(token);
  }

  /** The token with id `id`; throws a {@link DataError} for an id outside `[0, size)`. */
  tokenOf(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
      throw new DataError('invalid-argument', `Vocab.tokenOf: id ${id} is outside [0, ${this.tokens.length})`);
    }
    return this.tokens[id];
  }

  /**
   * Tokenizes `text` and maps each token to its id. Unknown tokens become the unk id;
   * without an unk token they throw a {@link DataError} of kind `unknown-token`.
   */
  encode(text: string, options: EncodeOptions = {}): Int32Array {
    return this.encodeTokens(this.tokenizer.tokenize(text), options);
  }

  /** Maps tokens (already split) to ids, as {@link Vocab.encode} does. */
  encodeTokens(tokens: readonly string[], options: EncodeOptions = {}): Int32Array {
    checkOptionKeys('Vocab.encode', options, { bos: true, eos: true });
    const bos = options.bos === true ? this.requireSpecial('bos', this.bosId) : undefined;
    const eos = options.eos === true ? this.requireSpecial('eos', this.eosId) : undefined;
    const offset = bos === undefined ? 0 : 1;
    const out = new Int32Array(tokens.length + offset + (eos === undefined ? 0 : 1));
    if (bos !== undefined) out[0] = bos;
    for (let i = 0; i < tokens.length; i++) {
      const id = this.index.get(tokens[i]) ?? this.unknown(tokens[i]);
      out[i + offset] = id;
    }
    if (eos !== undefined) out[out.length - 1] = eos;
    return out;
  }

  /** Ids → token strings, dropping pad, bos and eos unless `keepSpecials`. */
  decodeTokens(ids: ArrayLike<number>, options: DecodeOptions = {}): string[] {
    checkOptionKeys('Vocab.decode', options, { keepSpecials: true });
    const keep = options.keepSpecials === true;
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!keep && this.skipOnDecode.has(id)) continue;
      out.push(this.tokenOf(id));
    }
    return out;
  }

  /** Ids → text, the inverse of {@link Vocab.encode} for text made of known tokens. */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    return this.tokenizer.detokenize(this.decodeTokens(ids, options));
  }

  /** The JSON form; `JSON.stringify(vocab)` uses it, and `vocabFromJSON` reads it back. */
  toJSON(): VocabJSON {
    return { format: 'tapestry-vocab', version: 1, tokenizer: this.tokenizer.name, tokens: [...this.tokens], specials: { ...this.specials } };
  }

  private unknown(token: string): number {
    if (this.unkId !== undefined) return this.unkId;
    throw new DataError('unknown-token', `Vocab.encode: token ${JSON.stringify(token)} is not in the vocabulary, which has no unk token`);
  }

  private requireSpecial(name: SpecialName, id: number | undefined): number {
    if (id === undefined) throw new DataError('invalid-argument', `Vocab.encode: ${name} was asked for, but the vocabulary has no ${name} token`);
    return id;
  }
}

function countTokens(texts: Iterable<string>, tokenizer: Tokenizer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const token of tokenizer.tokenize(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

// Code-unit order, not localeCompare: the same on every machine and ICU version.
function byCountThenToken(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function orderedSpecials(fn: string, specials: SpecialTokens): string[] {
  const list = specialNames.map((name) => specials[name]).filter((s): s is string => s !== undefined);
  if (new Set(list).size !== list.length) throw new DataError('invalid-argument', `${fn}: special tokens must be distinct, got ${JSON.stringify(specials)}`);
  if (list.includes('')) throw new DataError('invalid-argument', `${fn}: a special token is empty, got ${JSON.stringify(specials)}`);
  return list;
}

function pickSpecials(specials: SpecialTokens): SpecialTokens {
  const out: { [K in SpecialName]?: string } = {};
  for (const name of specialNames) if (specials[name] !== undefined) out[name] = specials[name];
  return out;
}
