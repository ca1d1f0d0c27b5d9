import { backend } from '../backend/current.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ProductTerm } from '../autograd/product-term.js';
import { defineOp, type OpContext } from './op.js';
import { asTensors, requireFloat } from './operand.js';

/** Whether each operand enters the product transposed (over its last two axes). */
export interface MatmulOptions {
  /** Use the transpose of `a`'s last two axes (no copy is made). */
  transA?: boolean;
  /** Use the transpose of `b`'s last two axes, e.g. `x Wᵀ` with PyTorch-layout weights. */
  transB?: boolean;
}

interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
}

// With C = op(A)·op(B), each gradient is again one product with transpose flags, so
// the backward pass never materialises a transposed copy.
/** The registered op behind {@link matmul}. */
export const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: ([a, b], { transA, transB }) => backend().matmul(a, b, transA, transB, matmulShape(a, b, transA, transB)),
  vjp: (cts, ctx) => gradientTerms(cts, ctx).map((t) => (t === null ? null : matmul(t.a, t.b, t))),
  // Without batch axes the terms have their inputs' exact shapes, so the sweep may sum
  // the ones an input collects before computing them (see sumOfProducts).
  productVjp: (cts, ctx) => (ctx.inputs[0].rank === 2 && ctx.inputs[1].rank === 2 ? gradientTerms(cts, ctx) : undefined),
});

/** ∂L/∂A and ∂L/∂B as products of the output's cotangent with the other operand. */
function gradientTerms([g]: readonly Tensor[], { inputs: [a, b], attrs: { transA, transB }, needsGrad: [needA, needB] }: OpContext<MatmulAttrs>): (ProductTerm | null)[] {
  return [
    !needA ? null : transA ? { a: b, b: g, transA: transB, transB: true } : { a: g, b, transA: false, transB: !transB },
    !needB ? null : transB ? { a: g, b: a, transA: true, transB: transA } : { a, b: g, transA: !transA, transB: false },
  ];
}

function matmulShape(a: Tensor, b: Tensor, transA: boolean, transB: boolean): number[] {
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(`matmul: operands need rank >= 2, got ${formatShape(a.shape)} · ${formatShape(b.shape)}`);
  }
  const [m, ka] = transA ? [a.shape[a.rank - 1], a.shape[a.rank - 2]] : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
  const [kb, n] = transB ? [b.shape[b.rank - 1], b.shape[b.rank - 2]] : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
  if (ka !== kb) {
    const flags = `${transA ? 'ᵀ' : ''}·${transB ? 'ᵀ' : ''}`;
    throw new ShapeError(`matmul: inner dimensions differ: ${formatShape(a.shape)} ${flags} ${formatShape(b.shape)}`);
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  return [...batch, m, n];
}

/**
 * Matrix product over the last two axes, with NumPy broadcasting of the batch axes.
 *
 * @example
 * ```ts
 * import { matmul, ones } from '@tapestry/core';
 * const c = matmul(ones([8, 32, 64]), ones([64, 16])); // [8, 32, 16]
 * const d = matmul(ones([32, 64]), ones([16, 64]), { transB: true }); // x Wᵀ: [32, 16]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const [ta, tb] = asTensors('matmul', [a, b]);
  requireFloat('matmul', ta);
  return matmulOp.run([ta, tb], { transA: options.transA ?? false, transB: options.transB ?? false })[0];
}
