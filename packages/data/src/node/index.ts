/**
 * `@tapestry/data/node`: the loaders that read and write files with Node's `fs` — the
 * shipped data sets (`loadTinyShakespeare`, `loadSurnames`), vocabulary files
 * (`loadVocab`, `saveVocab`, written atomically) and `readTextFile`. They return
 * `Either<DataError, T>` and never throw. The root entry `@tapestry/data` imports no
 * `node:` module, so it bundles for the browser.
 *
 * @packageDocumentation
 */
export { datasetURL, readTextFile } from './files.js';
export type { PathLike } from './files.js';
export * from './vocab-file.js';
export * from './shakespeare.js';
export * from './surnames.js';
