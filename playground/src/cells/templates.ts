/**
 * The code the editor starts with: the minimal gated unit of the custom-cells guide,
 * written as the playground expects a cell — a module whose default export takes the
 * hidden size and returns a `Cell`.
 */
export const defaultCustomCell = `// A cell is a value: init, initCarry, optional project, step.
// The default export takes the hidden size and returns the cell.
// Minimal gated unit (Zhou et al., 2016): a GRU with a single gate.
import { add, matmul, mul, reshape, sigmoid, sliceAxis, sub, tanh, zeros, type Tensor } from '@tapestry/core';
import type { Cell } from '@tapestry/layers';

interface MguParams {
  weight_ih: Tensor; // [2H, F]: gate rows, then candidate rows
  bias: Tensor; // [2H]
  weight_fh: Tensor; // [H, H]
  weight_ch: Tensor; // [H, H]
}

export default function mguCell(H: number): Cell<MguParams, Tensor> {
  return {
    name: 'mgu',
    outputSize: H,
    init: (rng, inputSize, dtype = 'float32') => {
      const k = 1 / Math.sqrt(H);
      const u = (shape: number[]) => rng.uniform(shape, { low: -k, high: k, dtype });
      return { weight_ih: u([2 * H, inputSize]), bias: zeros([2 * H], dtype), weight_fh: u([H, H]), weight_ch: u([H, H]) };
    },
    initCarry: (batch, dtype = 'float32') => zeros([batch, H], dtype),
    // Every step's input products in one matrix product: [B, T, F] → [B, T, 2H].
    project: (p, xs) => {
      const [B, T, F] = xs.shape;
      const products = matmul(reshape(xs, [B * T, F]), p.weight_ih, { transB: true });
      return reshape(add(products, p.bias), [B, T, 2 * H]);
    },
    step: (p, h, a) => {
      const f = sigmoid(add(sliceAxis(a, 1, 0, H), matmul(h, p.weight_fh, { transB: true })));
      const candidate = tanh(add(sliceAxis(a, 1, H, 2 * H), matmul(mul(f, h), p.weight_ch, { transB: true })));
      const next = add(mul(sub(1, f), h), mul(f, candidate));
      return [next, next];
    },
  };
}
`;
