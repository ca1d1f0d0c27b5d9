/** Problem sizes and seeds of WORKLOADS.md, shared by every implementation. */

export const CHARLM = {
  vocab: 65,
  embed: 64,
  hidden: 256,
  layers: 2,
  batch: 32,
  seqLen: 64,
  lr: 2e-3,
  clipNorm: 5.0,
} as const;

export const LONGSEQ = { input: 32, hidden: 128, batch: 8, seqLen: 512 } as const;

export const SINE_TRAIN = { hidden: 16, lr: 1e-3 } as const;

/**
 * W6: a custom cell beside the built-in GRU — at W1's size (sine data, hidden 16) and at
 * B=32, T=100, H=128 (random inputs and targets, Linear(128 → 1) at every step, MSE).
 */
export const CELLS = { small: { hidden: 16 }, large: { batch: 32, seqLen: 100, input: 32, hidden: 128 }, lr: 1e-3 } as const;

/** Adam as PyTorch defaults it (tfjs's default epsilon is 1e-7). */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** Seeds: fixed, so every run and implementation sees the same inputs. */
export const SEEDS = { init: 1234, tokens: 42, targets: 43, inputs: 7, matmulA: 11, matmulB: 12, sample: 99 } as const;
