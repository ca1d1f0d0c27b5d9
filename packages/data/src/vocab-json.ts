import { either as E, function as F } from 'fp-ts';
import { DataError, checkOptionKeys } from './errors.js';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax.js';
import type { Tokenizer } from './tokenizers.js';
import { builtinTokenizers } from './tokenizers.js';
import type { SpecialTokens } from './vocab.js';
import { Vocab, specialNames } from './vocab.js';

/** The fields of a version 1 vocabulary file; any other field is refused rather than ignored. */
const vocabFields: readonly string[] = ['format', 'version', 'tokenizer', 'tokens', 'specials'];

/** Options for reading a vocabulary back. */
export interface VocabReadOptions {
  /** Tokenizers to look the stored name up in, besides `chars` and `words`. */
  tokenizers?: readonly Tokenizer[];
  /** The file the JSON came from, for error messages. */
  file?: string;
}

/**
 * Reads the object written by {@link Vocab.toJSON}. Any structural problem — wrong format
 * tag, duplicated tokens, a special token not among the tokens, an unknown tokenizer —
 * gives a `DataError` of kind `parse`.
 */
export function vocabFromJSON(json: unknown, options: VocabReadOptions = {}): E.Either<DataError, Vocab> {
  const badOptions = checkReadOptions('vocabFromJSON', options);
  if (badOptions !== undefined) return E.left(badOptions);
  const fail = (why: string): E.Either<DataError, Vocab> => E.left(new DataError('parse', `vocabulary JSON: ${why}`, { file: options.file }));
  if (!isRecord(json) || json.format !== 'tapestry-vocab') return fail('expected an object with format "tapestry-vocab"');
  if (json.version !== 1) return fail(`unsupported version ${JSON.stringify(json.version)} (this reader knows version 1)`);
  const unknownField = Object.keys(json).find((k) => !vocabFields.includes(k));
  if (unknownField !== undefined) return fail(`unknown field ${JSON.stringify(unknownField)} (a version 1 file has ${vocabFields.join(', ')})`);
  const { tokens, specials, tokenizer: name } = json;
  if (!Array.isArray(tokens) || !tokens.every((t): t is string => typeof t === 'string')) return fail('"tokens" must be an array of strings');
  if (!isRecord(specials)) return fail('"specials" must be an object');
  const known: SpecialTokens = {};
  for (const key of Object.keys(specials)) {
    const value = specials[key];
    if (!(specialNames as readonly string[]).includes(key) || typeof value !== 'string') return fail(`bad special entry ${JSON.stringify(key)}`);
    Object.assign(known, { [key]: value });
  }
  const tokenizer = [...(options.tokenizers ?? []), ...builtinTokenizers].find((t) => t.name === name);
  if (tokenizer === undefined) return fail(`tokenizer ${JSON.stringify(name)} is unknown; pass it in options.tokenizers`);
  return E.tryCatch(
    () => Vocab.fromTokens(tokens, { tokenizer, specials: known }),
    (e) => new DataError('parse', `vocabulary JSON: ${e instanceof DataError ? e.detail : String(e)}`, { file: options.file }),
  );
}

/**
 * Parses vocabulary JSON text. Syntax errors name the line when the JSON engine reports a
 * position.
 *
 * @example
 * ```ts
 * import { Vocab, parseVocab } from '@tapestry/data';
 * const text = JSON.stringify(Vocab.build('hello'));
 * const vocab = parseVocab(text); // Right(Vocab)
 * ```
 */
export function parseVocab(text: string, options: VocabReadOptions = {}): E.Either<DataError, Vocab> {
  const badOptions = checkReadOptions('parseVocab', options);
  if (badOptions !== undefined) return E.left(badOptions);
  return F.pipe(
    parseJSON(text, options.file),
    E.chain((json) => vocabFromJSON(json, options)),
  );
}

/**
 * `JSON.parse` as an Either. A syntax error names the line and column where the text
 * first goes wrong — truncated text included (the end of the last line) — and what was
 * expected there. A property given twice in one object is an error, not a silent
 * last-one-wins.
 */
export function parseJSON(text: string, file?: string): E.Either<DataError, unknown> {
  let value: unknown;
  let engineMessage = '';
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    engineMessage = e instanceof Error ? e.message : String(e);
  }
  // Run on valid text too: a property given twice parses, but only its last value survives.
  const found = findJsonSyntaxError(text);
  if (found !== undefined) {
    const { line, column } = lineAndColumn(text, found.offset);
    return E.left(new DataError('parse', `invalid JSON: ${found.problem}`, { file, line, column }));
  }
  return engineMessage === '' ? E.right(value) : E.left(new DataError('parse', `invalid JSON: ${engineMessage}`, { file }));
}

/** Unknown option names as a DataError (these functions return errors, never throw). */
function checkReadOptions(fn: string, options: VocabReadOptions): DataError | undefined {
  try {
    checkOptionKeys(fn, options, { tokenizers: true, file: true });
    return undefined;
  } catch (e) {
    return e as DataError;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
