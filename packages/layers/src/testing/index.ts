/**
 * `@tapestry/layers/testing`: property tests for recurrent cells, so a user checks
 * their own cell's gradients in one call.
 *
 * @packageDocumentation
 */
export * from './cell-gradients.js';
