import type { Either } from 'fp-ts/lib/Either.js';
import { chain } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { DataError } from './errors.js';
import type { PathLike } from './files.js';
import { displayPath, readTextFile, writeTextFile } from './files.js';
import type { Vocab } from './vocab.js';
import type { VocabReadOptions } from './vocab-json.js';
import { parseVocab } from './vocab-json.js';

// Node-only: vocabulary files. The parsing itself lives in vocab-json.ts and needs no fs.

/**
 * Reads a vocabulary saved with {@link saveVocab}. Errors name the file (and the line of a
 * JSON syntax error when the engine reports one).
 */
export function loadVocab(path: PathLike, options: Omit<VocabReadOptions, 'file'> = {}): Either<DataError, Vocab> {
  return pipe(
    readTextFile(path),
    chain((text) => parseVocab(text, { ...options, file: displayPath(path) })),
  );
}

/**
 * Writes a vocabulary as pretty-printed JSON.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Vocab, loadVocab, saveVocab } from '@tapestry/data';
 * const file = join(tmpdir(), 'vocab.json');
 * saveVocab(file, Vocab.build('to be or not to be')); // Right(undefined)
 * const vocab = loadVocab(file); // Right(Vocab)
 * ```
 */
export function saveVocab(path: PathLike, vocab: Vocab): Either<DataError, void> {
  return writeTextFile(path, `${JSON.stringify(vocab, null, 1)}\n`);
}
