/**
 * `@tapestry/layers/golden`: runs the reference fixtures of kind `cell`, `recurrent` and
 * `loss` (float64 values recorded with PyTorch's conventions) against this package.
 * Used by the package's tests and by the repository's `pnpm golden` command.
 *
 * @packageDocumentation
 */
export * from './compare.js';
export * from './decode.js';
export * from './loss-fixture.js';
export * from './loss-case.js';
export * from './recurrent-case.js';
