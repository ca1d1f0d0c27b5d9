/**
 * The layers part of the conformance runner: runs the reference fixtures of kind `cell`, `recurrent` and
 * `loss` (float64 values recorded with PyTorch's conventions) against `@tapestry/layers`.
 * Used by this package's tests and by the repository's `pnpm golden` command.
 *
 * @module
 */
export * from './compare.js';
export * from './decode.js';
export * from './loss-fixture.js';
export * from './loss-case.js';
export * from './recurrent-case.js';
