import { either as E, function as F } from 'fp-ts';
import { DataError } from '../errors.js';
import type { PathLike } from './files.js';
import { datasetURL, displayPath, readTextFile } from './files.js';

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
 * import { getOrThrow } from '@tapestry/data';
 * import { loadTinyShakespeare } from '@tapestry/data/node';
 * const text = getOrThrow(loadTinyShakespeare());
 * ```
 */
export function loadTinyShakespeare(options: ShakespeareOptions = {}): E.Either<DataError, string> {
  const path = options.path ?? datasetURL('tinyshakespeare.txt.gz');
  return F.pipe(
    readTextFile(path),
    E.chain((text) => (text.length > 0 ? E.right(text) : E.left(new DataError('empty', 'the corpus file is empty', { file: displayPath(path) })))),
  );
}
