/**
 * Layers as values: each has `init` (makes a plain parameter tree with PyTorch's names)
 * and a pure `apply`, plus dropout and composition helpers.
 *
 * @module
 */
export { linear, type LinearParams, type LinearInitOptions } from './linear.js';
export { embedding, type EmbeddingParams, type EmbeddingInitOptions, type EmbeddingApplyOptions } from './embedding.js';
export { dropoutMask } from './dropout-mask.js';
export { dropout, variationalDropout, type DropoutOptions, type VariationalDropoutOptions } from './dropout.js';
export { layerNorm, type LayerNormParams, type LayerNormInitOptions, type LayerNormApplyOptions } from './layer-norm.js';
export { sequential, type Stage } from './sequential.js';
