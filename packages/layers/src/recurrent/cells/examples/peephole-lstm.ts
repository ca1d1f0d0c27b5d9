import { add, matmul, mul, reshape, sigmoid, sliceAxis, tanh, zeros, type Tensor } from '@tapestry/core';
import type { Cell } from '../../cell.js';

/** Parameters of {@link peepholeLstmCell}: input/recurrent weights, one bias, and three peephole vectors. */
export interface PeepholeParams {
  /** `[4H, F]` */
  weight_ih: Tensor;
  /** `[4H, H]` */
  weight_hh: Tensor;
  /** `[4H]` */
  bias: Tensor;
  /** `[H]` */
  peep_i: Tensor;
  /** `[H]` */
  peep_f: Tensor;
  /** `[H]` */
  peep_o: Tensor;
}

/**
 * The peephole LSTM (Gers & Schmidhuber, 2000): the input and forget gates see the old
 * cell state and the output gate sees the new one. Written only against the public
 * `Cell` interface — an example of a plugin; stacking, bidirectional runs, padding and
 * gradients come from the library.
 */
export function peepholeLstmCell({ hiddenSize: H }: { hiddenSize: number }): Cell<PeepholeParams, { h: Tensor; c: Tensor }> {
  const gate = (a: Tensor, k: number): Tensor => sliceAxis(a, 1, k * H, (k + 1) * H);
  return {
    name: 'peephole-lstm',
    outputSize: H,
    init: (rng, inputSize, dtype = 'float32') => {
      const u = (shape: number[]) => rng.uniform(shape, { low: -1 / Math.sqrt(H), high: 1 / Math.sqrt(H), dtype });
      return { weight_ih: u([4 * H, inputSize]), weight_hh: u([4 * H, H]), bias: u([4 * H]), peep_i: u([H]), peep_f: u([H]), peep_o: u([H]) };
    },
    initCarry: (batch, dtype = 'float32') => ({ h: zeros([batch, H], dtype), c: zeros([batch, H], dtype) }),
    // All time steps' input products at once: [B, T, F] → [B, T, 4H].
    project: (p, xs) => {
      const [B, T, F] = xs.shape;
      return reshape(add(matmul(reshape(xs, [B * T, F]), p.weight_ih, { transB: true }), p.bias), [B, T, 4 * H]);
    },
    step: (p, { h, c }, x) => {
      const a = add(x, matmul(h, p.weight_hh, { transB: true }));
      const i = sigmoid(add(gate(a, 0), mul(p.peep_i, c)));
      const f = sigmoid(add(gate(a, 1), mul(p.peep_f, c)));
      const cNext = add(mul(f, c), mul(i, tanh(gate(a, 2))));
      const o = sigmoid(add(gate(a, 3), mul(p.peep_o, cNext)));
      const hNext = mul(o, tanh(cNext));
      return [{ h: hNext, c: cNext }, hNext];
    },
  };
}
