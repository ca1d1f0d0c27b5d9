/**
 * Losses: cross entropy (ignore index, label smoothing, sequences), mean squared error,
 * masked means over valid time steps, and the golden-fixture runner for losses.
 *
 * @module
 */
export { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export { mseLoss, type MseLossOptions } from './mse.js';
export { maskedMean, maskedSequenceLoss, type MaskedSequenceLossOptions } from './masked.js';
export type { Reduction } from './reduction.js';
export { runLossCase, type LossCaseResult } from './golden.js';
