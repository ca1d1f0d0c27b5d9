import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Either } from 'fp-ts/lib/Either.js';
import { chain, left, map, right } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { DataError } from './errors.js';
import { decodeUtf8 } from './utf8.js';

// Node-only: file reading for the loaders. Everything here returns Either; nothing throws.

/** A file or folder: a path string or a `file:` URL. */
export type PathLike = string | URL;

/**
 * A file shipped in this package's `datasets/` folder. Resolved from this module's own
 * URL, which sits one folder below the package root in both `src/` and `dist/`.
 */
export function datasetURL(relative: string): URL {
  return new URL(`../datasets/${relative}`, import.meta.url);
}

/** A path for messages: URLs shown as plain paths. */
export function displayPath(path: PathLike): string {
  return typeof path === 'string' ? path : fileURLToPath(path);
}

/** The bytes of a file, or an `io` DataError naming it. */
export function readBytes(path: PathLike): Either<DataError, Uint8Array> {
  try {
    return right(readFileSync(path));
  } catch (e) {
    return left(new DataError('io', `cannot read the file: ${reason(e)}`, { file: displayPath(path) }));
  }
}

/** Gunzips bytes that start with the gzip magic number; other bytes pass through. */
export function gunzipIfNeeded(bytes: Uint8Array, file: string): Either<DataError, Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return right(bytes);
  try {
    return right(gunzipSync(bytes));
  } catch (e) {
    return left(new DataError('encoding', `not valid gzip: ${reason(e)}`, { file }));
  }
}

/**
 * A text file as a string: read, gunzipped if it is gzip, decoded as strict UTF-8 and
 * normalised to NFC (so that the same letter always has the same code points).
 */
export function readTextFile(path: PathLike): Either<DataError, string> {
  const file = displayPath(path);
  return pipe(
    readBytes(path),
    chain((bytes) => gunzipIfNeeded(bytes, file)),
    chain((bytes) => decodeUtf8(bytes, file)),
    map((text) => text.normalize('NFC')),
  );
}

/** The names of the entries of a folder, sorted by code units, or an `io` DataError. */
export function listFolder(path: PathLike): Either<DataError, string[]> {
  try {
    return right(readdirSync(path).sort());
  } catch (e) {
    return left(new DataError('io', `cannot list the folder: ${reason(e)}`, { file: displayPath(path) }));
  }
}

/** Writes UTF-8 text, or returns an `io` DataError naming the file. */
export function writeTextFile(path: PathLike, text: string): Either<DataError, void> {
  try {
    writeFileSync(path, text, 'utf8');
    return right(undefined);
  } catch (e) {
    return left(new DataError('io', `cannot write the file: ${reason(e)}`, { file: displayPath(path) }));
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
