import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { writeFileAtomic } from '@tapestry/core/node';
import { either as E, function as F } from 'fp-ts';
import { DataError } from '../errors.js';
import { decodeUtf8 } from '../utf8.js';

// Node-only: file reading and writing for the loaders. Everything here returns Either;
// nothing throws (except datasetURL, a pure function given a bad argument).

/** A file or folder: a path string or a `file:` URL. */
export type PathLike = string | URL;

/** The package's `datasets/` folder; this module sits two folders below the package root in both `src/` and `dist/`. */
const datasetsFolder = new URL('../../datasets/', import.meta.url);

/**
 * A file shipped in this package's `datasets/` folder. A name that would leave the
 * folder (`../..`, an absolute path or URL) throws a `DataError` of kind
 * `invalid-argument`.
 *
 * @example
 * ```ts
 * import { datasetURL } from '@tapestry/data/node';
 * const names = datasetURL('names/');
 * ```
 */
export function datasetURL(relative: string): URL {
  const url = new URL(relative, datasetsFolder);
  if (!url.href.startsWith(datasetsFolder.href) || url.href === datasetsFolder.href || /^[a-z][a-z0-9+.-]*:/iu.test(relative)) {
    throw new DataError('invalid-argument', `datasetURL: ${JSON.stringify(relative)} is not a file inside the datasets folder`);
  }
  return url;
}

/** A path for messages: `file:` URLs shown as plain paths, other URLs as they are. */
export function displayPath(path: PathLike): string {
  if (typeof path === 'string') return path;
  return path.protocol === 'file:' ? fileURLToPath(path) : path.href;
}

/** The bytes of a file, or an `io` DataError naming it (a URL that is not `file:` included). */
export function readBytes(path: PathLike): E.Either<DataError, Uint8Array> {
  if (typeof path !== 'string' && path.protocol !== 'file:') {
    return E.left(new DataError('io', `cannot read ${path.protocol} URLs; only paths and file: URLs`, { file: path.href }));
  }
  try {
    return E.right(readFileSync(path));
  } catch (e) {
    return E.left(new DataError('io', `cannot read the file: ${reason(e)}`, { file: displayPath(path) }));
  }
}

/** Gunzips bytes that start with the gzip magic number; other bytes pass through. */
export function gunzipIfNeeded(bytes: Uint8Array, file: string): E.Either<DataError, Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return E.right(bytes);
  try {
    return E.right(gunzipSync(bytes));
  } catch (e) {
    return E.left(new DataError('encoding', `not valid gzip: ${reason(e)}`, { file }));
  }
}

/**
 * A text file as a string: read, gunzipped if it is gzip, decoded as strict UTF-8. The
 * text is returned exactly as the file holds it — never Unicode-normalised — so what
 * {@link saveVocab} writes, {@link loadVocab} reads back unchanged.
 *
 * @example
 * ```ts
 * import { readTextFile } from '@tapestry/data/node';
 * const text = readTextFile('corpus.txt'); // Either<DataError, string>
 * ```
 */
export function readTextFile(path: PathLike): E.Either<DataError, string> {
  const file = displayPath(path);
  return F.pipe(
    readBytes(path),
    E.chain((bytes) => gunzipIfNeeded(bytes, file)),
    E.chain((bytes) => decodeUtf8(bytes, file)),
  );
}

/** The names of the entries of a folder, sorted by code units, or an `io` DataError. */
export function listFolder(path: PathLike): E.Either<DataError, string[]> {
  if (typeof path !== 'string' && path.protocol !== 'file:') {
    return E.left(new DataError('io', `cannot list ${path.protocol} URLs; only paths and file: URLs`, { file: path.href }));
  }
  try {
    return E.right(readdirSync(path).sort());
  } catch (e) {
    return E.left(new DataError('io', `cannot list the folder: ${reason(e)}`, { file: displayPath(path) }));
  }
}

/**
 * Writes UTF-8 text atomically (with core's `writeFileAtomic`: the file holds either its
 * previous contents or all the new ones), or returns an `io` DataError naming the file.
 */
export function writeTextFile(path: PathLike, text: string): E.Either<DataError, void> {
  try {
    if (typeof path !== 'string' && path.protocol !== 'file:') throw new Error(`cannot write ${path.protocol} URLs`);
    writeFileAtomic(typeof path === 'string' ? path : fileURLToPath(path), text);
    return E.right(undefined);
  } catch (e) {
    return E.left(new DataError('io', `cannot write the file: ${reason(e)}`, { file: displayPath(path) }));
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
