import type { BinaryKind, UnaryKind } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

// Element-wise kernels are generated from one expression each. A generic loop calling
// a per-element callback would share one call site between all ops and V8 would stop
// inlining it; a generated function per op keeps every loop tight. One is generated per
// op *and dtype*, so each loop's array accesses see a single typed-array kind
// (monomorphic). A loop that has seen float32, float64 and int32 arrays is deoptimised
// to generic element access: an add over 1024 float32s measured 35 µs instead of 1.1.

/** Each unary kind as an expression in `x` (and the bounds `p0`, `p1`). */
export const UNARY_EXPR: Record<UnaryKind, string> = {
  neg: '-x',
  exp: 'Math.exp(x)',
  log: 'Math.log(x)',
  log1p: 'Math.log1p(x)',
  sqrt: 'Math.sqrt(x)',
  abs: 'Math.abs(x)',
  sign: 'x > 0 ? 1 : x < 0 ? -1 : 0',
  tanh: 'Math.tanh(x)',
  // Accurate in double for every x: exp(-x) overflows only where σ(x) < 1e-308, giving 0.
  sigmoid: '1 / (1 + Math.exp(-x))',
  relu: 'x > 0 ? x : 0',
  softplus: 'x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))',
  sin: 'Math.sin(x)',
  cos: 'Math.cos(x)',
  square: 'x * x',
  reciprocal: '1 / x',
  positive: 'x > 0 ? 1 : 0',
  clamp: 'x < p0 ? p0 : x > p1 ? p1 : x',
  inRange: 'x >= p0 && x <= p1 ? 1 : 0',
};

/** Each binary kind as an expression in `a` and `b`. */
export const BINARY_EXPR: Record<BinaryKind, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'Math.pow(a, b)',
  // NaN in either operand propagates (as in NumPy and PyTorch).
  maximum: 'a >= b || a !== a ? a : b',
  minimum: 'a <= b || a !== a ? a : b',
  equal: 'a === b ? 1 : 0',
  notEqual: 'a !== b ? 1 : 0',
  less: 'a < b ? 1 : 0',
  lessEqual: 'a <= b ? 1 : 0',
  greater: 'a > b ? 1 : 0',
  greaterEqual: 'a >= b ? 1 : 0',
};

type UnaryLoop = (x: TypedArray, out: TypedArray, n: number, p0: number, p1: number) => void;
type BinaryLoop = (a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, out: TypedArray, io: number, n: number) => void;

/** A function named `name` (so CPU profiles show e.g. `tanh_float32`) with `params` and `body`. */
function generate<F>(name: string, params: string, body: string): F {
  return new Function(`return function ${name}(${params}) { ${body} };`)() as F;
}

function compileUnary(name: string, expr: string): UnaryLoop {
  return generate(name, 'xs, out, n, p0, p1', `for (let i = 0; i < n; i++) { const x = xs[i]; out[i] = ${expr}; }`);
}

// A strided inner loop: `sa`/`sb` are 0 (broadcast) or 1 (contiguous).
function compileBinary(name: string, expr: string): BinaryLoop {
  return generate(
    name,
    'as, ia, sa, bs, ib, sb, out, io, n',
    `if (sa === 1 && sb === 1) { for (let i = 0; i < n; i++) { const a = as[ia + i], b = bs[ib + i]; out[io + i] = ${expr}; } }
     else if (sb === 0) { const b = bs[ib]; for (let i = 0; i < n; i++) { const a = as[ia + i * sa]; out[io + i] = ${expr}; } }
     else { const a0 = as[ia]; for (let i = 0; i < n; i++) { const a = sa === 0 ? a0 : as[ia + i], b = bs[ib + i]; out[io + i] = ${expr}; } }`,
  );
}

/** Loops generated on first use, per dtype and kind. */
function loopCache<K extends string, L>(exprs: Record<K, string>, compile: (name: string, expr: string) => L): (dtype: DType, kind: K) => L {
  const cache: Record<DType, Partial<Record<K, L>>> = { float32: {}, float64: {}, int32: {} };
  return (dtype, kind) => (cache[dtype][kind] ??= compile(`${kind}_${dtype}`, exprs[kind]));
}

/** The generated loop of a unary kind for a dtype (shared by the single kernels and element-wise programs). */
export const unaryLoop = loopCache(UNARY_EXPR, compileUnary);
/** The generated loop of a binary kind for a dtype (shared by the single kernels and element-wise programs). */
export const binaryLoop = loopCache(BINARY_EXPR, compileBinary);

/** Applies a unary element-wise function. */
export function unary(kind: UnaryKind, x: Tensor, p0 = 0, p1 = 0): Tensor {
  const out = allocate(x.dtype, x.size);
  unaryLoop(x.dtype, kind)(x.data, out, x.size, p0, p1);
  return new Tensor(x.shape, out);
}

/** Strides of `shape` seen through broadcasting to `outShape` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => (i < offset || shape[i - offset] === 1 ? 0 : strides[i - offset]));
}

/**
 * Applies a binary element-wise function with NumPy broadcasting. The innermost axis is
 * one tight loop; the outer axes are walked with an odometer, so broadcasting costs
 * nothing per element.
 */
export function binary(kind: BinaryKind, a: Tensor, b: Tensor, outShape: Shape): Tensor {
  const n = sizeOf(outShape);
  const out = allocate(a.dtype, n);
  const loop = binaryLoop(a.dtype, kind);
  if (a.size === n && b.size === n) {
    loop(a.data, 0, 1, b.data, 0, 1, out, 0, n);
  } else if (b.size === 1 && a.size === n) {
    loop(a.data, 0, 1, b.data, 0, 0, out, 0, n);
  } else if (a.size === 1 && b.size === n) {
    loop(a.data, 0, 0, b.data, 0, 1, out, 0, n);
  } else {
    const strides = [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape)];
    const last = outShape.length - 1;
    const sa = strides[0][last], sb = strides[1][last];
    forEachRow(outShape, strides, (inner, offsets, io) => loop(a.data, offsets[0], sa, b.data, offsets[1], sb, out, io, inner));
  }
  // Shapes are immutable: share an operand's shape array instead of copying it.
  return new Tensor(outShape === a.shape || outShape === b.shape ? outShape : [...outShape], out);
}

/**
 * Walks every row (all axes but the last) of `outShape`, calling `visit` with the row
 * length, the starting offset of each operand (given its strides) and the output offset.
 */
export function forEachRow(
  outShape: Shape,
  operandStrides: readonly number[][],
  visit: (inner: number, offsets: number[], outOffset: number) => void,
): void {
  const rank = outShape.length;
  if (rank === 0) {
    visit(1, operandStrides.map(() => 0), 0);
    return;
  }
  const inner = outShape[rank - 1];
  const rows = sizeOf(outShape) / Math.max(inner, 1);
  if (inner === 0) return;
  const index = new Array<number>(rank - 1).fill(0);
  const offsets = operandStrides.map(() => 0);
  for (let r = 0; r < rows; r++) {
    visit(inner, offsets, r * inner);
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      for (let k = 0; k < offsets.length; k++) offsets[k] += operandStrides[k][d];
      if (index[d] < outShape[d]) break;
      for (let k = 0; k < offsets.length; k++) offsets[k] -= operandStrides[k][d] * outShape[d];
      index[d] = 0;
    }
  }
}

/** `cond ? a : b` element-wise, all three broadcast to `outShape`. */
export function where(cond: Tensor, a: Tensor, b: Tensor, outShape: Shape): Tensor {
  const n = sizeOf(outShape);
  const out = allocate(a.dtype, n);
  const c = cond.data, ad = a.data, bd = b.data;
  const strides = [cond, a, b].map((t) => broadcastStrides(t.shape, outShape));
  const last = outShape.length - 1;
  const inner = strides.map((s) => (last >= 0 ? s[last] : 0));
  forEachRow(outShape, strides, (len, [oc, oa, ob], io) => {
    for (let i = 0; i < len; i++) out[io + i] = c[oc + i * inner[0]] !== 0 ? ad[oa + i * inner[1]] : bd[ob + i * inner[2]];
  });
  return new Tensor([...outShape], out);
}
