import { describe, expect, it } from 'vitest';
import { Rng, add, matmul, mul, reshape, sigmoid, sliceAxis, sub, sum, tanh, valueAndGrad, zeros, type Tensor } from '@tapestry/core';
import { expectCellGradients } from '../src/testing/index.js';
import { scan, type Cell } from '../src/recurrent/index.js';
import { expectAgree } from './scan-compiled-helpers.js';

// A user's cell — the minimal gated unit of the custom-cell guide, written only with
// public ops — is compiled by scan with no code beyond the Cell itself.

interface MguParams {
  weight_ih: Tensor;
  bias: Tensor;
  weight_fh: Tensor;
  weight_ch: Tensor;
}

function mguCell(H: number): Cell<MguParams, Tensor> {
  return {
    name: 'mgu',
    outputSize: H,
    init: (rng, inputSize, dtype = 'float32') => {
      const u = (shape: number[]): Tensor => rng.uniform(shape, { low: -0.5, high: 0.5, dtype });
      return { weight_ih: u([2 * H, inputSize]), bias: u([2 * H]), weight_fh: u([H, H]), weight_ch: u([H, H]) };
    },
    initCarry: (batch, dtype = 'float32') => zeros([batch, H], dtype),
    project: (p, xs) => {
      const [B, T, F] = xs.shape;
      return reshape(add(matmul(reshape(xs, [B * T, F]), p.weight_ih, { transB: true }), p.bias), [B, T, 2 * H]);
    },
    step: (p, h, a) => {
      const f = sigmoid(add(sliceAxis(a, 1, 0, H), matmul(h, p.weight_fh, { transB: true })));
      const candidate = tanh(add(sliceAxis(a, 1, H, 2 * H), matmul(mul(f, h), p.weight_ch, { transB: true })));
      const next = add(mul(sub(1, f), h), mul(f, candidate));
      return [next, next];
    },
  };
}

describe('a user-written cell', () => {
  it('is compiled, and equals the op-by-op scan to 1e-12 with gradients', () => {
    const cell = mguCell(4);
    const rng = new Rng(2);
    const params = cell.init(rng, 3, 'float64');
    const xs = rng.normal([3, 6, 3], { dtype: 'float64' });
    const run = (compile: boolean) =>
      valueAndGrad((p: MguParams, x: Tensor) => {
        const out = scan(cell, p, x, { lengths: [6, 2, 4], compile });
        expect(out.path.compiled, out.path.reason).toBe(compile);
        return sum(mul(out.outputs, out.outputs));
      }, { argnums: [0, 1] })(params, xs);
    const [lc, [pc, xc]] = run(true);
    const [li, [pi, xi]] = run(false);
    expectAgree('loss', lc, li);
    expectAgree('∂x', xc, xi);
    for (const k of Object.keys(pc) as (keyof MguParams)[]) expectAgree(k, pc[k], pi[k]);
  });

  it('passes the cell gradient checks compiled (central differences)', () => {
    expectCellGradients(mguCell(3), { numRuns: 3 });
  });
});
