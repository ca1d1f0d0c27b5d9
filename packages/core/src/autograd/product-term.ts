import { add } from '../ops/arithmetic.js';
import { concat } from '../ops/join.js';
import { matmul } from '../ops/matmul.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A cotangent not computed yet: the matrix product `op(a) · op(b)` of two rank-2 tensors,
 * `op` transposing when its flag is set. An op's `productVjp` returns these so that the
 * reverse sweep can add up the terms a tensor collects before computing any of them.
 */
export interface ProductTerm {
  /** Left operand, `[M, K]` (or `[K, M]` with `transA`). */
  readonly a: Tensor;
  /** Right operand, `[K, N]` (or `[N, K]` with `transB`). */
  readonly b: Tensor;
  /** Whether `a` enters transposed. */
  readonly transA: boolean;
  /** Whether `b` enters transposed. */
  readonly transB: boolean;
}

/**
 * `Σ op(a_i)·op(b_i)` as one product per pair of transpose flags: the operands are
 * concatenated along the summed axis, because `Σ_i A_i B_i = [A_1 … A_n] [B_1; …; B_n]`.
 *
 * This is why the sweep defers products: a recurrent weight used at T steps collects T
 * gradient terms `g_tᵀ h_{t-1}`, each a thin product (K = batch) with a full weight-sized
 * output to add up; as one `[T·B]`-deep product they cost one pass over the weight
 * instead of T, at the speed of a large product.
 */
export function sumOfProducts(terms: readonly ProductTerm[]): Tensor {
  const groups = new Map<string, ProductTerm[]>();
  for (const t of terms) {
    const key = `${t.transA}${t.transB}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [t]);
    else group.push(t);
  }
  let total: Tensor | undefined;
  for (const group of groups.values()) {
    const { transA, transB } = group[0];
    const a = group.length === 1 ? group[0].a : concat(group.map((t) => t.a), transA ? 0 : 1);
    const b = group.length === 1 ? group[0].b : concat(group.map((t) => t.b), transB ? 1 : 0);
    const product = matmul(a, b, { transA, transB });
    total = total === undefined ? product : add(total, product);
  }
  if (total === undefined) throw new Error('sumOfProducts: no terms');
  return total;
}
