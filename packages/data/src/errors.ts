import { either as E } from 'fp-ts';
import { ValueError } from '@tapestry/core';

/**
 * What went wrong, as a tag to switch on.
 *
 * - `io`: a file could not be read or written.
 * - `encoding`: the bytes are not valid UTF-8 (or not valid gzip).
 * - `parse`: the text does not have the expected format (e.g. an empty line in a label file).
 * - `empty`: there is no data where some is needed (empty corpus, empty file, no sequences).
 * - `too-long`: a sequence is longer than the allowed maximum and truncation is off.
 * - `too-short`: the data is too short for the requested shape (e.g. fewer tokens than rows).
 * - `unknown-token`: a token is not in the vocabulary and the vocabulary has no unk token.
 * - `invalid-argument`: an option is out of range (e.g. `batchSize: 0`).
 */
export type DataErrorKind =
  | 'io'
  | 'encoding'
  | 'parse'
  | 'empty'
  | 'too-long'
  | 'too-short'
  | 'unknown-token'
  | 'invalid-argument';

/** Where in the input an error was found. Lines (and columns) count from 1. */
export interface DataErrorLocation {
  /** The file (or other source name) the data came from. */
  readonly file?: string;
  /** The 1-based line of the offending input. */
  readonly line?: number;
  /** The 1-based column (in bytes for encoding errors, in characters otherwise). */
  readonly column?: number;
}

/**
 * Every failure of `@tapestry/data`: a tag (`kind`), a message, and where known the file
 * and line. Its `message` starts with `file:line:` so that printing it points at the input.
 *
 * The package has one rule for how a `DataError` reaches you:
 * - reading and parsing external input (files, vocabulary JSON) **returns**
 *   `Either<DataError, T>` and never throws;
 * - pure functions given bad arguments or data they cannot use (batch size 0, an empty
 *   corpus, a sequence over `maxLength` with truncation off) **throw** a `DataError`,
 *   naming the function and the parameter. `DataError` extends core's `ValueError`, so
 *   code that already catches `ValueError` catches these too.
 *
 * @example
 * ```ts
 * import { loadSurnames } from '@tapestry/data/node';
 * const result = loadSurnames({ dir: 'my-names/' });
 * if (result._tag === 'Left') console.error(result.left.message); // "my-names/French.txt:12: empty line ..."
 * ```
 */
export class DataError extends ValueError {
  override name = 'DataError';
  /** The tag to switch on. */
  readonly kind: DataErrorKind;
  /** The message without the location prefix. */
  readonly detail: string;
  /** The file the error was found in, when the input came from a file. */
  readonly file: string | undefined;
  /** The 1-based line of the error, when known. */
  readonly line: number | undefined;
  /** The 1-based column of the error, when known. */
  readonly column: number | undefined;

  constructor(kind: DataErrorKind, detail: string, location: DataErrorLocation = {}) {
    super(withLocation(detail, location));
    this.kind = kind;
    this.detail = detail;
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
  }
}

function withLocation(detail: string, { file, line, column }: DataErrorLocation): string {
  if (file === undefined && line === undefined) return detail;
  let where = file ?? '<input>';
  if (line !== undefined) where += `:${line}`;
  if (line !== undefined && column !== undefined) where += `:${column}`;
  return `${where}: ${detail}`;
}

/**
 * The value of a `Right`, or throws the `DataError` of a `Left`. For scripts and examples
 * where a bad file should simply stop the program with a clear message.
 *
 * @example
 * ```ts
 * import { getOrThrow } from '@tapestry/data';
 * import { loadTinyShakespeare } from '@tapestry/data/node';
 * const text = getOrThrow(loadTinyShakespeare());
 * ```
 */
export function getOrThrow<T>(result: E.Either<DataError, T>): T {
  if (E.isLeft(result)) throw result.left;
  return result.right;
}

/** Throws unless `value` is an integer ≥ `min`; the message names the function and parameter. */
export function checkInteger(fn: string, param: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DataError('invalid-argument', `${fn}: ${param} must be an integer >= ${min}, got ${value}`);
  }
}

/**
 * Throws a {@link DataError} naming `fn` and the option when `options` has a key that
 * `known` does not list — a misspelt option (`truncation` for `truncate`) would otherwise
 * be ignored and its default used without a word. `known` is a record over every key of
 * the options type, so a new option cannot be forgotten here.
 */
export function checkOptionKeys<T extends object>(fn: string, options: T | undefined, known: { readonly [K in keyof Required<T>]: true }): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new DataError('invalid-argument', `${fn}: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(known, key)) {
      throw new DataError('invalid-argument', `${fn}: unknown option ${JSON.stringify(key)}; the options are ${Object.keys(known).join(', ')}`);
    }
  }
}

/** Throws a {@link DataError} naming `fn` and `param` unless `value` is one of `allowed` (or undefined: the default). */
export function checkOneOf<T extends string>(fn: string, param: string, value: T | undefined, allowed: readonly T[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new DataError('invalid-argument', `${fn}: ${param} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
  }
}
