import { either as E, readonlyArray as RA, function as F } from 'fp-ts';
import { DataError } from './errors.js';

/** One example of a labelled text set. */
export interface LabelledText {
  /** The example, one line of its file. */
  readonly text: string;
  /** Index into the set's `labels`. */
  readonly label: number;
}

/** A labelled text set: examples and the label names their `label` indexes. */
export interface LabelledTextSet {
  readonly examples: readonly LabelledText[];
  readonly labels: readonly string[];
}

/** The text of one label file: every line is an example of `label`. */
export interface LabelFile {
  readonly label: string;
  readonly text: string;
  /** Where the text came from, for error messages. */
  readonly file?: string;
}

/**
 * Splits text into lines at `\n`, `\r\n` or a lone `\r` (old Mac line endings). A final
 * line break ends the last line rather than starting an empty one, so `'a\nb\n'` gives
 * `['a', 'b']`.
 */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\r|\n/u);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Parses a file with one example per line. An empty file gives a `DataError` of kind
 * `empty`; an empty (or all-blank) line gives one of kind `parse` with its line number,
 * since it is almost always a mistake that would otherwise become a silent empty example.
 *
 * @example
 * ```ts
 * import { parseLineFile } from '@tapestry/data';
 * parseLineFile('Abe\nBo\n', 'names/Czech.txt'); // Right(['Abe', 'Bo'])
 * parseLineFile('Abe\n\nBo', 'names/Czech.txt'); // Left('names/Czech.txt:2: empty line ...')
 * ```
 */
export function parseLineFile(text: string, file?: string): E.Either<DataError, string[]> {
  const lines = splitLines(text);
  if (lines.length === 0) return E.left(new DataError('empty', 'the file has no lines', { file }));
  const blank = lines.findIndex((line) => line.trim() === '');
  if (blank >= 0) return E.left(new DataError('parse', 'empty line; every line must hold one example', { file, line: blank + 1 }));
  return E.right(lines);
}

/**
 * Builds a labelled set from one text per label (label ids follow the order given). The
 * first bad file's error is returned; duplicate label names are an error too.
 */
export function labelledFromFiles(files: readonly LabelFile[]): E.Either<DataError, LabelledTextSet> {
  const labels = files.map((f) => f.label);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup !== undefined) return E.left(new DataError('parse', `label ${JSON.stringify(dup)} is given by more than one file`));
  if (files.length === 0) return E.left(new DataError('empty', 'no label files were given'));
  return F.pipe(
    files,
    RA.traverseWithIndex(E.Applicative)((label, f) =>
      F.pipe(
        parseLineFile(f.text, f.file),
        E.map((lines) => lines.map((text) => ({ text, label }))),
      ),
    ),
    E.map((perFile) => ({ examples: perFile.flat(), labels })),
  );
}
