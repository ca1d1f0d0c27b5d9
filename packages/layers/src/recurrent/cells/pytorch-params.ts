import { add, matmul, reshape, type DType, type Rng, type Tensor } from '@tapestry/core';

/**
 * The parameters of one PyTorch-layout recurrent cell: `G` gate blocks of `H` rows
 * stacked along the first axis, applied as `x Wᵀ`, with two bias vectors.
 */
export interface GateParams {
  /** `[G·H, inputSize]` */
  weight_ih: Tensor;
  /** `[G·H, H]` */
  weight_hh: Tensor;
  /** `[G·H]` */
  bias_ih: Tensor;
  /** `[G·H]` */
  bias_hh: Tensor;
}

/** PyTorch's default: every weight and bias uniform in ±1/√H. */
export function initGateParams(rng: Rng, inputSize: number, hiddenSize: number, gates: number, dtype: DType = 'float32'): GateParams {
  const k = 1 / Math.sqrt(hiddenSize);
  const u = (shape: number[]): Tensor => rng.uniform(shape, { low: -k, high: k, dtype });
  return {
    weight_ih: u([gates * hiddenSize, inputSize]),
    weight_hh: u([gates * hiddenSize, hiddenSize]),
    bias_ih: u([gates * hiddenSize]),
    bias_hh: u([gates * hiddenSize]),
  };
}

/**
 * The input projection of all time steps in one matrix product:
 * `xs [B, T, F] → xs W_ihᵀ + bias [B, T, G·H]`.
 */
export function projectInputs(xs: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const [B, T, F] = xs.shape;
  const flat = matmul(reshape(xs, [B * T, F]), weight, { transB: true });
  return reshape(add(flat, bias), [B, T, weight.shape[0]]);
}

/** `h W_hhᵀ`: the recurrent product of one step. */
export function recurrentProduct(h: Tensor, weight: Tensor): Tensor {
  return matmul(h, weight, { transB: true });
}
