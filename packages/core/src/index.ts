/**
 * `@tapestry/core`: tensors, kernels, the op registry, a reverse-mode autograd tape,
 * function transforms, parameter trees and a seeded random number generator.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './tensor/dtype.js';
export * from './tensor/shape.js';
export * from './tensor/tensor.js';
export * from './tensor/create.js';
export * from './random/rng.js';
export * from './tree/tree.js';
