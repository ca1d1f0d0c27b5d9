import { GradientError } from '../errors.js';
import { sum } from '../ops/reduce.js';
import { mul } from '../ops/arithmetic.js';
import { isFloat } from '../tensor/dtype.js';
import { onesLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { MapLeaves } from '../tree/tree.js';
import { flatten, leaves, mapTree } from '../tree/tree.js';
import { backward } from './backward.js';
import { Tape, withTape } from './tape.js';

/** Which arguments to differentiate: one index, or several (gradients come back as a tuple). */
export type ArgNums = number | readonly number[];

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions<K extends ArgNums = 0> {
  /** Argument(s) to differentiate with respect to; default 0. */
  argnums?: K;
}

/** The gradient type for `argnums` K over arguments A: the same tree type as the argument(s). */
export type GradsOf<A extends readonly unknown[], K extends ArgNums> = K extends number
  ? A[K]
  : { -readonly [I in keyof K]: A[K[I] & number] };

function checkScalar(name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw new GradientError(`${name}: the function must return a tensor, got ${typeof value}`);
  if (value.size !== 1) {
    throw new GradientError(`${name}: the function must return a scalar (one element), got shape ${formatShape(value.shape)}; use vjp for non-scalar outputs`);
  }
  if (!isFloat(value.dtype)) throw new GradientError(`${name}: the function returned an ${value.dtype} tensor; gradients need float32 or float64`);
  return value;
}

/**
 * Throws a {@link GradientError} naming the first leaf of `tree` that cannot have a
 * gradient: a number, string, boolean or other non-tensor value (its gradient would
 * otherwise come back as the value itself), or an int32 tensor (no gradient flows
 * through integers). `null` and `undefined` are absent optional entries and pass.
 */
function checkDifferentiable(name: string, tree: unknown, what: string): void {
  const visit = (node: unknown, path: string): void => {
    const where = path === '' ? what : `${what} at '${path}'`;
    if (node instanceof Tensor) {
      if (!isFloat(node.dtype)) throw new GradientError(`${name}: ${where} is an ${node.dtype} tensor; gradients flow only to float32 and float64 tensors (pass it in an argument that is not differentiated)`);
    } else if (Array.isArray(node)) {
      node.forEach((child, i) => visit(child, path === '' ? String(i) : `${path}.${i}`));
    } else if (node !== null && typeof node === 'object') {
      for (const [k, child] of Object.entries(node)) visit(child, path === '' ? k : `${path}.${k}`);
    } else if (node !== null && node !== undefined) {
      throw new GradientError(`${name}: ${where} is a ${typeof node}, not a tensor; only tensors can be differentiated (wrap it with tensor(), or pass it in an argument that is not differentiated)`);
    }
  };
  visit(tree, '');
}

/** Runs `f` on a fresh tape watching the leaves of the chosen arguments, and sweeps back from `value`. */
function differentiate<A extends unknown[]>(
  name: string,
  f: (...args: A) => unknown,
  args: A,
  argnums: ArgNums,
  pickValue: (result: unknown) => Tensor,
): { result: unknown; grads: unknown } {
  const nums = typeof argnums === 'number' ? [argnums] : argnums;
  for (const n of nums) if (!Number.isInteger(n) || n < 0 || n >= args.length) throw new GradientError(`${name}: argnums ${n} is out of range for ${args.length} argument(s)`);
  for (const n of nums) checkDifferentiable(name, args[n], `argument ${n}`);
  const tape = new Tape();
  for (const n of nums) for (const leaf of leaves(args[n])) tape.watch(leaf);
  const result = withTape(tape, () => f(...args));
  const value = checkScalar(name, pickValue(result));
  const wrt = nums.flatMap((n) => leaves(args[n]));
  const cts = backward(tape, [value], [onesLike(value)], wrt);
  // The tape is this call's alone and has had its one sweep: buffers its ops saved may be reused.
  tape.discard();
  let k = 0;
  const trees = nums.map((n) => mapTree(args[n], () => cts[k++]));
  return { result, grads: typeof argnums === 'number' ? trees[0] : trees };
}

/**
 * Transforms `f` into a function returning `[value, gradients]`. `f` must return a
 * scalar tensor; the gradients have the same tree structure as the differentiated
 * argument(s) (a parameter object in, a gradient object of the same shape out).
 *
 * Every leaf of a differentiated argument must be a float tensor; `null` and `undefined`
 * entries (absent optional parameters) come back as they are. A number, string or other
 * non-tensor leaf, or an int32 tensor, throws a {@link GradientError} naming its path —
 * pass such values in an argument that is not differentiated.
 *
 * @example
 * ```ts
 * import { valueAndGrad, matmul, mean, square, sub, tensor, type Tensor } from '@tapestry/core';
 * type Params = { w: Tensor; b: Tensor };
 * const loss = (p: Params, x: Tensor, y: Tensor) => mean(square(sub(matmul(x, p.w), y)));
 * const params = { w: tensor([[0.5], [-0.5]]), b: tensor([0]) };
 * const [value, grads] = valueAndGrad(loss)(params, tensor([[1, 2]]), tensor([[1]]));
 * grads.w.shape; // [2, 1]
 * ```
 */
export function valueAndGrad<A extends unknown[], const K extends ArgNums = 0>(
  f: (...args: A) => Tensor,
  options: GradOptions<K> = {},
): (...args: A) => [Tensor, GradsOf<A, NoInfer<K>>] {
  const argnums = options.argnums ?? 0;
  return (...args: A) => {
    const { result, grads } = differentiate('valueAndGrad', f, args, argnums, (r) => r as Tensor);
    return [result as Tensor, grads as GradsOf<A, NoInfer<K>>];
  };
}

/**
 * Like {@link valueAndGrad} for a function that returns `[loss, aux]`: the auxiliary
 * value (predictions, hidden states, metrics) comes back untouched beside the gradients.
 */
export function valueAndGradWithAux<A extends unknown[], Aux, const K extends ArgNums = 0>(
  f: (...args: A) => readonly [Tensor, Aux],
  options: GradOptions<K> = {},
): (...args: A) => [[Tensor, Aux], GradsOf<A, NoInfer<K>>] {
  const argnums = options.argnums ?? 0;
  return (...args: A) => {
    const { result, grads } = differentiate('valueAndGradWithAux', f, args, argnums, (r) => (r as readonly [Tensor, Aux])[0]);
    const [value, aux] = result as readonly [Tensor, Aux];
    return [[value, aux], grads as GradsOf<A, NoInfer<K>>];
  };
}

/**
 * Transforms `f` into a function returning its gradient. Nest it for higher
 * derivatives: `grad(x => sum(grad(f)(x)))`.
 *
 * @example
 * ```ts
 * import { grad, sum, tanh, tensor, type Tensor } from '@tapestry/core';
 * const f = (x: Tensor) => sum(tanh(x));
 * const df = grad(f);
 * const d2f = grad((x: Tensor) => sum(df(x)));
 * d2f(tensor([0.5])); // −2 tanh(0.5) (1 − tanh²(0.5))
 * ```
 */
export function grad<A extends unknown[], const K extends ArgNums = 0>(f: (...args: A) => Tensor, options: GradOptions<K> = {}): (...args: A) => GradsOf<A, NoInfer<K>> {
  const vg = valueAndGrad(f, options);
  return (...args: A) => vg(...args)[1];
}

/**
 * Evaluates `f(...primals)` and returns its output with a function that maps an
 * output cotangent (same structure as the output) to the cotangents of every primal.
 * The pullback can be called several times. Every leaf of the primals must be a float
 * tensor (or `null`/`undefined`), as for {@link grad}.
 */
export function vjp<A extends unknown[], R>(f: (...args: A) => R, ...primals: A): [R, (cotangent: R) => MapLeaves<A, Tensor>] {
  primals.forEach((p, i) => checkDifferentiable('vjp', p, `primal ${i}`));
  const tape = new Tape();
  for (const leaf of leaves(primals)) tape.watch(leaf);
  const out = withTape(tape, () => f(...primals));
  const pullback = (cotangent: R): MapLeaves<A, Tensor> => {
    const outs = flatten(out);
    const cts = flatten(cotangent);
    if (outs.length !== cts.length) throw new GradientError(`vjp: cotangent has ${cts.length} tensors, output has ${outs.length}`);
    outs.forEach((o, i) => {
      const ct = cts[i].leaf;
      if (!shapesEqual(o.leaf.shape, ct.shape) || o.leaf.dtype !== ct.dtype) {
        throw new GradientError(`vjp: cotangent at '${o.path}' is ${ct.dtype} ${formatShape(ct.shape)}, output is ${o.leaf.dtype} ${formatShape(o.leaf.shape)}`);
      }
    });
    const g = backward(tape, outs.map((o) => o.leaf), cts.map((c) => c.leaf), leaves(primals));
    let k = 0;
    return mapTree(primals, () => g[k++]) as MapLeaves<A, Tensor>;
  };
  return [out, pullback];
}

/**
 * The Hessian of scalar `f` at `x` applied to `v`, by differentiating the directional
 * derivative `⟨∇f(x), v⟩` — one forward and two backward sweeps, no Hessian built.
 */
export function hessianVectorProduct(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  const df = grad(f);
  return grad((y: Tensor) => sum(mul(df(y), v)))(x);
}
