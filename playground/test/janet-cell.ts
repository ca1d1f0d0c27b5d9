/**
 * A cell the tests paste into the editor as a user would: JANET (van der Westhuizen &
 * Lasenby, 2018, "The unreasonable effectiveness of the forget gate") — an LSTM reduced
 * to its forget gate, whose state is also its output. Written from the paper's
 * equations against the public `Cell` interface.
 */
export const janetCellSource = `// JANET: c' = σ(s) ⊙ c + (1 − σ(s − β)) ⊙ tanh(x U_cᵀ + c W_cᵀ + b_c), h = c
import { add, matmul, mul, sigmoid, sliceAxis, sub, tanh, zeros, type Tensor } from '@tapestry/core';
import type { Cell } from '@tapestry/layers';

interface JanetParams {
  weight_ih: Tensor; // [2H, F]: forget rows, then candidate rows
  weight_hh: Tensor; // [2H, H]
  bias: Tensor; // [2H]
}

export default function janet(H: number): Cell<JanetParams, Tensor> {
  const beta = 1; // shifts the input gate: 1 − σ(s − β)
  return {
    name: 'janet',
    outputSize: H,
    init: (rng, inputSize, dtype = 'float32') => {
      const k = 1 / Math.sqrt(H);
      return {
        weight_ih: rng.uniform([2 * H, inputSize], { low: -k, high: k, dtype }),
        weight_hh: rng.uniform([2 * H, H], { low: -k, high: k, dtype }),
        bias: zeros([2 * H], dtype),
      };
    },
    initCarry: (batch, dtype = 'float32') => zeros([batch, H], dtype),
    step: (p, c, x) => {
      const a = add(add(matmul(x, p.weight_ih, { transB: true }), matmul(c, p.weight_hh, { transB: true })), p.bias);
      const s = sliceAxis(a, 1, 0, H);
      const forget = sigmoid(s);
      const candidate = tanh(sliceAxis(a, 1, H, 2 * H));
      const next = add(mul(forget, c), mul(sub(1, sigmoid(sub(s, beta))), candidate));
      return [next, next];
    },
  };
}
`;
