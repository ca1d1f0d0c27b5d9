/**
 * Losses: cross entropy (ignore index, label smoothing, sequences), mean squared error,
 * and masked means over valid time steps.
 *
 * @module
 */
export { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export { mseLoss, type MseLossOptions } from './mse.js';
export { maskedMean, maskedSequenceLoss, type MaskedSequenceLossOptions } from './masked.js';
export type { Reduction } from './reduction.js';
