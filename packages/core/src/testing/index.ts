/**
 * `@tapestry/core/testing`: numerical gradient checking and fast-check arbitraries,
 * so users can property-test their own ops and cells in a few lines.
 *
 * @packageDocumentation
 */
export * from './check-gradients.js';
export * from './arbitraries.js';
