import type { Either } from 'fp-ts/lib/Either.js';
import { chain, left, right, tryCatch } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { DataError } from './errors.js';
import type { Tokenizer } from './tokenizers.js';
import { builtinTokenizers } from './tokenizers.js';
import type { SpecialTokens } from './vocab.js';
import { Vocab, specialNames } from './vocab.js';

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
export function vocabFromJSON(json: unknown, options: VocabReadOptions = {}): Either<DataError, Vocab> {
  const fail = (why: string): Either<DataError, Vocab> => left(new DataError('parse', `vocabulary JSON: ${why}`, { file: options.file }));
  if (!isRecord(json) || json.format !== 'tapestry-vocab') return fail('expected an object with format "tapestry-vocab"');
  if (json.version !== 1) return fail(`unsupported version ${JSON.stringify(json.version)} (this reader knows version 1)`);
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
  return tryCatch(
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
export function parseVocab(text: string, options: VocabReadOptions = {}): Either<DataError, Vocab> {
  return pipe(
    parseJSON(text, options.file),
    chain((json) => vocabFromJSON(json, options)),
  );
}

/** `JSON.parse` as an Either, with the line of a syntax error when the engine gives a position. */
export function parseJSON(text: string, file?: string): Either<DataError, unknown> {
  try {
    return right(JSON.parse(text) as unknown);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const position = /position (\d+)/.exec(message);
    const line = position === null ? undefined : lineAt(text, Number(position[1]));
    return left(new DataError('parse', `invalid JSON: ${message}`, { file, line }));
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
