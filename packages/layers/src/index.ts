/**
 * `@tapestry/layers`: parameters as plain trees, basic layers, losses, and recurrent
 * cells as plugins — RNN, LSTM, GRU and any cell a user writes — unrolled by one `scan`,
 * stacked, bidirectional, over variable-length batches.
 *
 * @packageDocumentation
 */
export * from './init/index.js';
export * from './nn/index.js';
export * from './losses/index.js';
export * from './recurrent/index.js';
export * from './state-dict/index.js';
