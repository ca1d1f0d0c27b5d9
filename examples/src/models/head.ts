/**
 * A dense output layer, `y = x Wᵀ + b` over the last axis, with PyTorch's layout and
 * initialisation (uniform ±1/√in).
 *
 * Interim: `@tapestry/layers` has `linear` in its source but does not export it yet;
 * this is the same layout so the switch is one import.
 */
import { add, matmul, reshape, type Rng, type Tensor } from '@tapestry/core';

/** Parameters of a dense layer. */
export interface DenseParams {
  /** [out, in] */
  readonly weight: Tensor;
  /** [out] */
  readonly bias: Tensor;
}

/** PyTorch's `nn.Linear` initialisation. */
export function initDense(rng: Rng, inFeatures: number, outFeatures: number): DenseParams {
  const k = 1 / Math.sqrt(inFeatures);
  return { weight: rng.uniform([outFeatures, inFeatures], { low: -k, high: k }), bias: rng.uniform([outFeatures], { low: -k, high: k }) };
}

/** `x Wᵀ + b` for `x` of shape [..., in]. */
export function dense(p: DenseParams, x: Tensor): Tensor {
  const lead = x.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const y = add(matmul(reshape(x, [rows, x.shape[x.rank - 1]]), p.weight, { transB: true }), p.bias);
  return reshape(y, [...lead, p.weight.shape[0]]);
}
