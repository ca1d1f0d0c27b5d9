/**
 * `@tapestry/data`: pure functions from raw data to typed batches — vocabularies,
 * tokenizers, padding and masks, bucketed batching, language-model streams, sliding
 * windows, seeded splits — and the data sets the examples use.
 *
 * Errors: loading and parsing return `Either<DataError, T>`; pure functions given bad
 * arguments throw a `DataError` (a core `ValueError`) naming the function and parameter.
 *
 * Everything here is pure and runs anywhere (no `node:` module is imported). The file
 * loaders (`loadTinyShakespeare`, `loadSurnames`, `loadVocab`, `saveVocab`,
 * `readTextFile`) use Node's `fs` and live in `@tapestry/data/node`.
 *
 * @packageDocumentation
 */
export { DataError, getOrThrow } from './errors.js';
export type { DataErrorKind, DataErrorLocation } from './errors.js';
export * from './tokenizers.js';
export * from './vocab.js';
export { parseJSON, parseVocab, vocabFromJSON } from './vocab-json.js';
export type { VocabReadOptions } from './vocab-json.js';
export * from './utf8.js';
export * from './ascii-fold.js';
export * from './labels.js';
export * from './padding.js';
export * from './bucketing.js';
export * from './lm-stream.js';
export * from './windows.js';
export * from './splits.js';
export * from './datasets/sine.js';
export * from './datasets/adding.js';
export * from './datasets/copy-memory.js';
