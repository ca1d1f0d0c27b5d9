import { add, matmul, mul, reshape, sigmoid, sliceAxis, sub, tanh, zeros, type Tensor } from '@tapestry/core';
import type { Cell } from '@tapestry/layers';

/**
 * W6's custom cell: the minimal gated unit exactly as docs/guides/custom-cells.md writes
 * it ("Making it fast: `project`") — public ops only, no fused kernel, no private hook —
 * so the bench measures what a user's cell gets.
 */

/** Parameters of the minimal gated unit. */
export interface MguParams {
  weight_ih: Tensor; // [2H, F]: gate rows, then candidate rows
  bias: Tensor; // [2H]
  weight_fh: Tensor; // [H, H]
  weight_ch: Tensor; // [H, H]
}

/** The minimal gated unit (Zhou et al., 2016), input products done in `project`. */
export function mguCell(H: number): Cell<MguParams, Tensor> {
  return {
    name: 'mgu',
    outputSize: H,
    init: (rng, inputSize, dtype = 'float32') => {
      const k = 1 / Math.sqrt(H);
      const u = (shape: number[]): Tensor => rng.uniform(shape, { low: -k, high: k, dtype });
      return { weight_ih: u([2 * H, inputSize]), bias: zeros([2 * H], dtype), weight_fh: u([H, H]), weight_ch: u([H, H]) };
    },
    initCarry: (batch, dtype = 'float32') => zeros([batch, H], dtype),
    // [B, T, F] → [B, T, 2H]: every step's input products in one matrix product.
    // Each step's row depends on that step's input alone, so a compiled scan may run it per step.
    projectsStepwise: true,
    project: (p, xs) => {
      const [B, T, F] = xs.shape;
      const products = matmul(reshape(xs, [B * T, F]), p.weight_ih, { transB: true });
      return reshape(add(products, p.bias), [B, T, 2 * H]);
    },
    // `a` is this step's slice of the projection, [B, 2H].
    step: (p, h, a) => {
      const f = sigmoid(add(sliceAxis(a, 1, 0, H), matmul(h, p.weight_fh, { transB: true })));
      const candidate = tanh(add(sliceAxis(a, 1, H, 2 * H), matmul(mul(f, h), p.weight_ch, { transB: true })));
      const next = add(mul(sub(1, f), h), mul(f, candidate));
      return [next, next];
    },
  };
}
