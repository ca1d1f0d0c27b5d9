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
 * import { Vocab, loadVocab, saveVocab } from '@tapestry/data';
 * saveVocab('vocab.json', Vocab.build('to be or not to be'));
 * const vocab = loadVocab('vocab.json'); // Right(Vocab)
 * ```
 */
export function saveVocab(path: PathLike, vocab: Vocab): Either<DataError, void> {
  return writeTextFile(path, `${JSON.stringify(vocab, null, 1)}\n`);
}
