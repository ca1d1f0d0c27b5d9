import type { Either } from 'fp-ts/lib/Either.js';
import { chain, left, right } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { DataError } from '../errors.js';
import type { PathLike } from '../files.js';
import { datasetURL, displayPath, readTextFile } from '../files.js';

/** Options of {@link loadTinyShakespeare}. */
export interface ShakespeareOptions {
  /** Read this file instead of the bundled copy (plain UTF-8 text, or gzipped). */
  path?: PathLike;
}

/**
 * Tiny Shakespeare (about 1.1 MB of public-domain plays), shipped gzipped in the package.
 * Node-only. Returns the whole text, or a `DataError` naming the file for an unreadable,
 * non-UTF-8 or empty file.
 *
 * @example
 * ```ts
 * import { getOrThrow, loadTinyShakespeare } from '@tapestry/data';
 * const text = getOrThrow(loadTinyShakespeare());
 * ```
 */
export function loadTinyShakespeare(options: ShakespeareOptions = {}): Either<DataError, string> {
  const path = options.path ?? datasetURL('tinyshakespeare.txt.gz');
  return pipe(
    readTextFile(path),
    chain((text) => (text.length > 0 ? right(text) : left(new DataError('empty', 'the corpus file is empty', { file: displayPath(path) })))),
  );
}
