/**
 * Splits text into tokens and joins tokens back into text. A tokenizer is a plain value,
 * so a user's own is as good as a built-in one; its `name` is what a saved vocabulary
 * records to find it again.
 */
export interface Tokenizer {
  /** A stable name, stored in vocabulary JSON (`'chars'`, `'words'`, or your own). */
  readonly name: string;
  /** Text → tokens. */
  tokenize(text: string): string[];
  /** Tokens → text; `detokenize(tokenize(s))` should give back `s` for normalised text. */
  detokenize(tokens: readonly string[]): string;
}

/**
 * One token per Unicode code point (not per UTF-16 unit, so accented letters and emoji
 * stay whole). Text is not normalised here: the file loaders return NFC text, and
 * normalising again would break `decode(encode(s)) === s` for non-NFC strings.
 *
 * @example
 * ```ts
 * import { charTokenizer } from '@tapestry/data';
 * charTokenizer.tokenize('Émile'); // ['É', 'm', 'i', 'l', 'e']
 * ```
 */
export const charTokenizer: Tokenizer = {
  name: 'chars',
  tokenize: (text) => Array.from(text),
  detokenize: (tokens) => tokens.join(''),
};

/**
 * Lower-cased words separated by whitespace, as the tutorial uses. Punctuation stays
 * attached to its word. Detokenizing joins with single spaces, so the round trip is
 * exact for text that is already lower-case and single-spaced.
 *
 * @example
 * ```ts
 * import { wordTokenizer } from '@tapestry/data';
 * wordTokenizer.tokenize('To be,  or NOT'); // ['to', 'be,', 'or', 'not']
 * ```
 */
export const wordTokenizer: Tokenizer = {
  name: 'words',
  tokenize: (text) => text.toLowerCase().split(/\s+/u).filter((w) => w.length > 0),
  detokenize: (tokens) => tokens.join(' '),
};

/**
 * The hook for a user's own tokenizer: gives a function pair a name so that a vocabulary
 * built with it can be saved and loaded again (pass it in the `tokenizers` option of
 * {@link parseVocab}, {@link vocabFromJSON} or `loadVocab` from `@tapestry/data/node`).
 *
 * @example
 * ```ts
 * import { Vocab, defineTokenizer, parseVocab } from '@tapestry/data';
 * const commaSeparated = defineTokenizer('csv', (s) => s.split(','), (t) => t.join(','));
 * const vocab = Vocab.build('a,b,a', { tokenizer: commaSeparated });
 * parseVocab(JSON.stringify(vocab), { tokenizers: [commaSeparated] }); // Right(Vocab)
 * ```
 */
export function defineTokenizer(
  name: string,
  tokenize: (text: string) => string[],
  detokenize: (tokens: readonly string[]) => string,
): Tokenizer {
  return { name, tokenize, detokenize };
}

/** The tokenizers a vocabulary JSON can name without being told about them. */
export const builtinTokenizers: readonly Tokenizer[] = [charTokenizer, wordTokenizer];
