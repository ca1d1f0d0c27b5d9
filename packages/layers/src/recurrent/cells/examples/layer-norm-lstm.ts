import { add, matmul, mul, reshape, sigmoid, sliceAxis, tanh, zeros, type Tensor } from '@tapestry/core';
import type { Cell } from '../../cell.js';
import { layerNorm, type LayerNormParams } from '../../../nn/layer-norm.js';

/** Parameters of {@link layerNormLstmCell}: weights, one bias, and three layer norms. */
export interface LayerNormLstmParams {
  /** `[4H, F]` */
  weight_ih: Tensor;
  /** `[4H, H]` */
  weight_hh: Tensor;
  /** `[4H]` */
  bias: Tensor;
  /** Normalises the input product (over all 4H gate pre-activations). */
  ln_ih: LayerNormParams;
  /** Normalises the recurrent product. */
  ln_hh: LayerNormParams;
  /** Normalises the cell state before the output tanh. */
  ln_c: LayerNormParams;
}

/**
 * The layer-normalised LSTM (Ba, Kiros & Hinton, 2016): both products are normalised
 * separately before they are added, and so is the cell state before the output gate.
 * The input side is normalised for all time steps at once in `project`. Written only
 * against the public `Cell` interface and `layerNorm` — a plugin example.
 */
export function layerNormLstmCell({ hiddenSize: H }: { hiddenSize: number }): Cell<LayerNormLstmParams, { h: Tensor; c: Tensor }> {
  const gate = (a: Tensor, k: number): Tensor => sliceAxis(a, 1, k * H, (k + 1) * H);
  return {
    name: 'layer-norm-lstm',
    outputSize: H,
    init: (rng, inputSize, dtype = 'float32') => {
      const u = (shape: number[]) => rng.uniform(shape, { low: -1 / Math.sqrt(H), high: 1 / Math.sqrt(H), dtype });
      const ln = (n: number) => layerNorm.init(n, { dtype });
      return { weight_ih: u([4 * H, inputSize]), weight_hh: u([4 * H, H]), bias: zeros([4 * H], dtype), ln_ih: ln(4 * H), ln_hh: ln(4 * H), ln_c: ln(H) };
    },
    initCarry: (batch, dtype = 'float32') => ({ h: zeros([batch, H], dtype), c: zeros([batch, H], dtype) }),
    project: (p, xs) => {
      const [B, T, F] = xs.shape;
      const products = matmul(reshape(xs, [B * T, F]), p.weight_ih, { transB: true });
      return reshape(layerNorm.apply(p.ln_ih, products), [B, T, 4 * H]);
    },
    step: (p, { h, c }, x) => {
      const a = add(add(x, layerNorm.apply(p.ln_hh, matmul(h, p.weight_hh, { transB: true }))), p.bias);
      const cNext = add(mul(sigmoid(gate(a, 1)), c), mul(sigmoid(gate(a, 0)), tanh(gate(a, 2))));
      const hNext = mul(sigmoid(gate(a, 3)), tanh(layerNorm.apply(p.ln_c, cNext)));
      return [{ h: hNext, c: cNext }, hNext];
    },
  };
}
