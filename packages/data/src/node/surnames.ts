import { either as E, readonlyArray as RA, function as F } from 'fp-ts';
import { join } from 'node:path';
import { foldToAscii } from '../ascii-fold.js';
import { DataError } from '../errors.js';
import type { PathLike } from './files.js';
import { datasetURL, displayPath, listFolder, readTextFile } from './files.js';
import type { LabelFile, LabelledTextSet } from '../labels.js';
import { labelledFromFiles } from '../labels.js';

/** Options of {@link loadSurnames}. */
export interface SurnameOptions {
  /** A folder of `<Language>.txt` files (one name per line) instead of the bundled set. */
  dir?: PathLike;
  /** Fold accented letters to ASCII ('Béringer' → 'Beringer'). Default `false`: accents are kept. */
  ascii?: boolean;
}

/** One surname and its language. */
export interface Surname {
  readonly name: string;
  readonly language: string;
  /** Index of `language` in {@link SurnameDataset.languages}. */
  readonly label: number;
}

/** The surname → language classification set. */
export interface SurnameDataset {
  /** Every name, file by file in language order, each file's lines in order. */
  readonly examples: readonly Surname[];
  /** The languages (file names without `.txt`), sorted; a label indexes this list. */
  readonly languages: readonly string[];
}

/**
 * The surname classification set: about 20,000 surnames from 17 languages, UTF-8 with
 * their accents (the shipped files are NFC; files are read as they are). Node-only. Each `<Language>.txt` file holds one name per line; an
 * empty line, a non-UTF-8 file or a missing folder gives a `DataError` naming the file
 * and line.
 *
 * @example
 * ```ts
 * import { getOrThrow } from '@tapestry/data';
 * import { loadSurnames } from '@tapestry/data/node';
 * const { examples, languages } = getOrThrow(loadSurnames({ ascii: true }));
 * ```
 */
export function loadSurnames(options: SurnameOptions = {}): E.Either<DataError, SurnameDataset> {
  const dir = options.dir ?? datasetURL('names/');
  const fold = options.ascii === true ? foldToAscii : (s: string): string => s;
  return F.pipe(
    listFolder(dir),
    E.map((names) => names.filter((n) => n.endsWith('.txt'))),
    E.chain((names) => (names.length > 0 ? E.right(names) : E.left(new DataError('empty', 'the folder has no .txt files', { file: displayPath(dir) })))),
    E.chain(RA.traverse(E.Applicative)((name) => readLabelFile(dir, name))),
    E.chain(labelledFromFiles),
    E.map((set) => toSurnames(set, fold)),
  );
}

function readLabelFile(dir: PathLike, name: string): E.Either<DataError, LabelFile> {
  const path = typeof dir === 'string' ? join(dir, name) : new URL(name, withSlash(dir));
  return F.pipe(
    readTextFile(path),
    E.map((text) => ({ label: name.slice(0, -'.txt'.length), text, file: displayPath(path) })),
  );
}

function toSurnames(set: LabelledTextSet, fold: (s: string) => string): SurnameDataset {
  const examples = set.examples.map(({ text, label }) => ({ name: fold(text), language: set.labels[label], label }));
  return { examples, languages: set.labels };
}

function withSlash(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.href}/`);
}
