import fc from 'fast-check';
import {
  add, div, greater, matmul, maximum, minimum, mul, neg, relu, sigmoid, sin, softplus, square, sub, sum, tanh, where, zeros,
  type DType, type Rng, type Tensor,
} from '@tapestry/core';
import type { Cell } from '../src/recurrent/index.js';

// Random cells built from the registry's element-wise ops, reductions and products, for
// properties that compare the compiled scan with the op-by-op one: a carry tree of one
// to three leaves (a tensor, an object or an array), a recipe of ops over a pool of
// [B, H] values, carries that may swap leaves.

const unaries: ((x: Tensor) => Tensor)[] = [tanh, sigmoid, sin, softplus, neg, relu, (x) => mul(x, 0.5)];
const binaries: ((a: Tensor, b: Tensor) => Tensor)[] = [
  add, sub, mul, maximum, minimum,
  (a, b) => div(a, add(1.5, square(b))),
  (a, b) => where(greater(a, b), a, b),
  (a, b) => mul(a, sum(b, 1, true)), // a [B, 1] value broadcast back over the features
];

/** One op of a recipe: which function, on which pool entries. */
export interface RecipeOp {
  unary: boolean;
  fn: number;
  a: number;
  b: number;
}

/** A random cell's recipe. */
export interface Recipe {
  hidden: number;
  carry: 'tensor' | 'object' | 'array';
  leaves: number;
  project: boolean;
  bias: number;
  ops: RecipeOp[];
  next: number[];
  y: number;
}

/** fast-check recipes of small random cells. */
export const recipes: fc.Arbitrary<Recipe> = fc.record({
  hidden: fc.integer({ min: 1, max: 3 }),
  carry: fc.constantFrom('tensor' as const, 'object' as const, 'array' as const),
  leaves: fc.integer({ min: 1, max: 3 }),
  project: fc.boolean(),
  bias: fc.nat(),
  ops: fc.array(fc.record({ unary: fc.boolean(), fn: fc.nat(), a: fc.nat(), b: fc.nat() }), { minLength: 1, maxLength: 6 }),
  next: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  y: fc.nat(),
});

type Params = Record<string, Tensor>;

function carryOf(recipe: Recipe, leaves: Tensor[]): unknown {
  if (recipe.carry === 'array') return leaves;
  if (recipe.carry === 'object') return Object.fromEntries(leaves.map((l, j) => [`s${j}`, l]));
  return leaves[0];
}

function leavesOf(recipe: Recipe, carry: unknown): Tensor[] {
  if (recipe.carry === 'array') return carry as Tensor[];
  if (recipe.carry === 'object') return Array.from({ length: recipe.leaves }, (_, j) => (carry as Record<string, Tensor>)[`s${j}`]);
  return [carry as Tensor];
}

/** The cell a recipe describes. */
export function randomCell(recipe: Recipe): Cell<Params, unknown> {
  const H = recipe.hidden;
  const n = recipe.carry === 'tensor' ? 1 : recipe.leaves;
  const r = { ...recipe, leaves: n };
  return {
    name: 'random',
    outputSize: H,
    init: (rng: Rng, inputSize: number, dtype: DType = 'float32') => {
      const p: Params = { wx: rng.normal([H, inputSize], { dtype }), b: rng.normal([H], { dtype }) };
      for (let j = 0; j < n; j++) p[`w${j}`] = rng.normal([H, H], { dtype, std: 0.5 });
      return p;
    },
    initCarry: (batch: number, dtype: DType = 'float32') => carryOf(r, Array.from({ length: n }, () => zeros([batch, H], dtype))),
    project: recipe.project ? (p, xs) => matmul(xs, p.wx, { transB: true }) : undefined,
    // x Wxᵀ maps each step on its own: a compiled scan of a large enough batch runs it in the step.
    projectsStepwise: recipe.project,
    step: (p, carry, x) => {
      const hs = leavesOf(r, carry);
      const pool: Tensor[] = [recipe.project ? x : matmul(x, p.wx, { transB: true }), ...hs, ...hs.map((h, j) => matmul(h, p[`w${j}`], { transB: true }))];
      if (recipe.bias % 2 === 1) pool.push(add(pool[0], p.b));
      for (const op of recipe.ops) {
        const a = pool[op.a % pool.length];
        const b = pool[op.b % pool.length];
        pool.push(op.unary ? unaries[op.fn % unaries.length](a) : binaries[op.fn % binaries.length](a, b));
      }
      const next = Array.from({ length: n }, (_, j) => tanh(pool[recipe.next[j] % pool.length]));
      return [carryOf(r, next), pool[recipe.y % pool.length]];
    },
  };
}
