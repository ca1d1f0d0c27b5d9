/**
 * `@tapestry/layers/golden`: runs the reference fixtures of kind `cell` and `recurrent`
 * (float64 values recorded from PyTorch's conventions) against this package. Used by
 * the package's tests and by the repository's `pnpm golden` command.
 *
 * @packageDocumentation
 */
export * from './fixture.js';
export * from './recurrent-case.js';
