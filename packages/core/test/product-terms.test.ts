// The reverse sweep adds up the matrix-product cotangents a tensor collects (a recurrent
// weight: one per step) before computing them, as one product. These tests check that
// the result is the same gradient, that it really is one product, and that every
// combination of transpose flags, mixed with batched and element-wise uses, is right.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Backend, Rng, add, grad, jsBackend, matmul, mul, record, setBackend, sum, tanh, type Tensor } from '../src/index.js';
import { checkGradients, propertyRuns } from '../src/testing/index.js';

/** A vanilla RNN over `xs.length` steps: `h_t = tanh(x_t + h_{t-1} Wᵀ)`, loss Σ h_T. */
function rnnLoss(xs: readonly Tensor[], h0: Tensor): (w: Tensor) => Tensor {
  return (w) => sum(xs.reduce((h, x) => tanh(add(x, matmul(h, w, { transB: true }))), h0));
}

describe('product terms in the reverse sweep', () => {
  it('computes a recurrent weight gradient with one product, whatever the number of steps', () => {
    const rng = new Rng(3);
    const [T, B, H] = [12, 3, 5];
    const xs = Array.from({ length: T }, () => rng.normal([B, H], { dtype: 'float64' }));
    const w = rng.normal([H, H], { dtype: 'float64', std: 0.5 });
    const shapes: string[] = [];
    const counting: Backend = {
      ...jsBackend,
      matmul: (a, b, ta, tb, out) => {
        shapes.push(out.join('×'));
        return jsBackend.matmul(a, b, ta, tb, out);
      },
    };
    const previous = setBackend(counting);
    try {
      grad(rnnLoss(xs, rng.normal([B, H], { dtype: 'float64' })))(w);
    } finally {
      setBackend(previous);
    }
    // Forward: T products [B, H]. Backward: T − 1 for ∂L/∂h (h0 is a constant) and one
    // [H, H] product for ∂L/∂W over all T steps, not T of them.
    expect(shapes.filter((s) => s === `${H}×${H}`)).toHaveLength(1);
    expect(shapes.filter((s) => s === `${B}×${H}`)).toHaveLength(2 * T - 1);
  });

  it('gives the gradient that evaluating every term on its own gives', () => {
    const flagsArb = fc.array(fc.record({ transA: fc.boolean(), transB: fc.boolean(), left: fc.boolean() }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(flagsArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1000 }), (uses, n, seed) => {
        const rng = new Rng(seed);
        const w = rng.normal([n, n], { dtype: 'float64' });
        const others = uses.map(() => rng.normal([n, n], { dtype: 'float64' }));
        // W enters a product at every use, on either side, with any transpose flags, and
        // once element-wise, so dense and deferred cotangents meet in the same sum.
        const f = (x: Tensor): Tensor =>
          sum(mul(x, uses.reduce((acc, u, i) => add(acc, tanh(u.left ? matmul(x, others[i], u) : matmul(others[i], x, u))), x)));
        const deferred = grad(f)(w);
        // Under an outer tape every term is computed on its own (the sweep must stay
        // differentiable there), which is the reference.
        const direct = record(() => grad(f)(w)).value;
        for (let i = 0; i < direct.size; i++) {
          expect(Math.abs(deferred.data[i] - direct.data[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(direct.data[i])));
        }
      }),
      { numRuns: propertyRuns(40) },
    );
  });

  it('passes the numerical gradient check with products of every flag combination and a batched use', () => {
    const rng = new Rng(11);
    const w = rng.normal([4, 4], { dtype: 'float64' });
    const a = rng.normal([4, 4], { dtype: 'float64' });
    const batch = rng.normal([3, 2, 4], { dtype: 'float64' });
    const f = (x: Tensor): Tensor =>
      add(
        add(sum(tanh(matmul(x, a))), sum(tanh(matmul(a, x, { transA: true, transB: true })))),
        add(sum(tanh(matmul(x, x, { transA: true }))), sum(tanh(matmul(batch, x, { transB: true })))),
      );
    const report = checkGradients(f, [w]);
    expect(report.ok, report.summary).toBe(true);
  });
});
