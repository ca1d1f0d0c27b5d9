import { either as E, function as F } from 'fp-ts';
import type { DataError } from '../errors.js';
import type { PathLike } from './files.js';
import { displayPath, readTextFile, writeTextFile } from './files.js';
import type { Vocab } from '../vocab.js';
import type { VocabReadOptions } from '../vocab-json.js';
import { parseVocab } from '../vocab-json.js';

// Node-only: vocabulary files. The parsing itself lives in vocab-json.ts and needs no fs.

/**
 * Reads a vocabulary saved with {@link saveVocab}. Errors name the file (and the line of a
 * JSON syntax error when the engine reports one).
 */
export function loadVocab(path: PathLike, options: Omit<VocabReadOptions, 'file'> = {}): E.Either<DataError, Vocab> {
  return F.pipe(
    readTextFile(path),
    E.chain((text) => parseVocab(text, { ...options, file: displayPath(path) })),
  );
}

/**
 * Writes a vocabulary as pretty-printed JSON, atomically: a failed write (a full disk, a
 * file-size limit) leaves the previous file whole. Tokens are written exactly as they
 * are — no Unicode normalisation here or on load — so save → load → encode gives the
 * same ids for every string.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Vocab } from '@tapestry/data';
 * import { loadVocab, saveVocab } from '@tapestry/data/node';
 * const file = join(tmpdir(), 'vocab.json');
 * saveVocab(file, Vocab.build('to be or not to be')); // Right(undefined)
 * const vocab = loadVocab(file); // Right(Vocab)
 * ```
 */
export function saveVocab(path: PathLike, vocab: Vocab): E.Either<DataError, void> {
  return writeTextFile(path, `${JSON.stringify(vocab, null, 1)}\n`);
}
