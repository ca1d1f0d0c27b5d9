import type { BinaryKind, UnaryKind } from '../backend.js';
import { ValueError } from '../../errors.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';

// Element-wise kernels are generated from one expression each. A generic loop calling
// a per-element callback would share one call site between all ops and V8 would stop
// inlining it; a generated function per op keeps every loop tight. One is generated per
// op *and dtype*, so each loop's array accesses see a single typed-array kind
// (monomorphic). A loop that has seen float32, float64 and int32 arrays is deoptimised
// to generic element access: an add over 1024 float32s measured 35 µs instead of 1.1.
//
// Only the fixed expressions below ever reach code generation: a kind is looked up as
// an own key of these tables, and anything else is refused before any code is built.
// Where code generation from strings is disallowed (`node
// --disallow-code-generation-from-strings`, a Content-Security-Policy without
// 'unsafe-eval'), the same kinds run as closures — slower, same results.

// NaN propagates as in IEEE arithmetic: every expression that compares gives NaN back for
// NaN (relu, sign), as NumPy and PyTorch do; the 0/1 masks and comparisons follow IEEE
// comparisons (false for NaN).
/** Each unary kind as an expression in `x` (and the bounds `p0`, `p1`). */
export const UNARY_EXPR: Record<UnaryKind, string> = {
  neg: '-x',
  exp: 'Math.exp(x)',
  log: 'Math.log(x)',
  log1p: 'Math.log1p(x)',
  sqrt: 'Math.sqrt(x)',
  abs: 'Math.abs(x)',
  sign: 'x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x',
  tanh: 'Math.tanh(x)',
  // Accurate in double for every x: exp(-x) overflows only where σ(x) < 1e-308, giving 0.
  sigmoid: '1 / (1 + Math.exp(-x))',
  relu: 'x > 0 || x !== x ? x : 0',
  softplus: 'x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))',
  sin: 'Math.sin(x)',
  cos: 'Math.cos(x)',
  square: 'x * x',
  reciprocal: '1 / x',
  positive: 'x > 0 ? 1 : 0',
  clamp: 'x < p0 ? p0 : x > p1 ? p1 : x',
  inRange: 'x >= p0 && x <= p1 ? 1 : 0',
};

/** The same functions as {@link UNARY_EXPR}, as closures, for engines that refuse code generation. */
const UNARY_FN: Record<UnaryKind, (x: number, p0: number, p1: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 || x !== x ? x : 0),
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  sin: Math.sin,
  cos: Math.cos,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  positive: (x) => (x > 0 ? 1 : 0),
  clamp: (x, p0, p1) => (x < p0 ? p0 : x > p1 ? p1 : x),
  inRange: (x, p0, p1) => (x >= p0 && x <= p1 ? 1 : 0),
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

/** The same functions as {@link BINARY_EXPR}, as closures. */
const BINARY_FN: Record<BinaryKind, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || a !== a ? a : b),
  minimum: (a, b) => (a <= b || a !== a ? a : b),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

/** A unary loop: `out[i] = f(xs[i])` for `i < n`. */
export type UnaryLoop = (xs: TypedArray, out: TypedArray, n: number, p0: number, p1: number) => void;
/** A binary loop over `n` elements; `sa`/`sb` are 0 (broadcast) or 1 (contiguous). */
export type BinaryLoop = (a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, out: TypedArray, io: number, n: number) => void;

const UNARY_BODY = (expr: string): string => `for (let i = 0; i < n; i++) { const x = xs[i]; out[i] = ${expr}; }`;
const BINARY_BODY = (expr: string): string =>
  `if (sa === 1 && sb === 1) { for (let i = 0; i < n; i++) { const a = as[ia + i], b = bs[ib + i]; out[io + i] = ${expr}; } }
   else if (sb === 0) { const b = bs[ib]; for (let i = 0; i < n; i++) { const a = as[ia + i * sa]; out[io + i] = ${expr}; } }
   else { const a0 = as[ia]; for (let i = 0; i < n; i++) { const a = sa === 0 ? a0 : as[ia + i], b = bs[ib + i]; out[io + i] = ${expr}; } }`;

/** The closure form of a unary loop (no code generation). */
export function interpretedUnaryLoop(kind: UnaryKind): UnaryLoop {
  const f = UNARY_FN[kind];
  return (xs, out, n, p0, p1) => {
    for (let i = 0; i < n; i++) out[i] = f(xs[i], p0, p1);
  };
}

/** The closure form of a binary loop (no code generation). */
export function interpretedBinaryLoop(kind: BinaryKind): BinaryLoop {
  const f = BINARY_FN[kind];
  return (as, ia, sa, bs, ib, sb, out, io, n) => {
    for (let i = 0; i < n; i++) out[io + i] = f(as[ia + i * sa], bs[ib + i * sb]);
  };
}

/** False once the engine has refused to build a function from a string. */
let codeGeneration = true;

/** Whether loops are generated (true) or run as closures because the engine forbids code generation (false). */
export function generatesCode(): boolean {
  return codeGeneration;
}

/**
 * A function named `name` (so CPU profiles show e.g. `tanh_float32`), or `undefined` when
 * the engine disallows code generation from strings (it throws an `EvalError`).
 */
function generate<F>(name: string, params: string, body: string): F | undefined {
  if (!codeGeneration) return undefined;
  try {
    return new Function(`return function ${name}(${params}) { ${body} };`)() as F;
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    codeGeneration = false;
    return undefined;
  }
}

/** Loops built on first use, per dtype and kind; a kind outside the table is refused. */
function loopCache<K extends string, L>(
  what: string,
  exprs: Record<K, string>,
  build: (name: string, kind: K, expr: string) => L,
): (dtype: DType, kind: K) => L {
  // Null-prototype caches: a kind such as 'toString' must not find Object.prototype's.
  const fresh = (): Partial<Record<K, L>> => Object.create(null) as Partial<Record<K, L>>;
  const cache: Record<DType, Partial<Record<K, L>>> = { float32: fresh(), float64: fresh(), int32: fresh() };
  return (dtype, kind) => {
    const cached = Object.hasOwn(cache, dtype) ? cache[dtype][kind] : undefined;
    if (cached !== undefined) return cached;
    if (!Object.hasOwn(exprs, kind) || !Object.hasOwn(cache, dtype)) {
      throw new ValueError(`${what}: unknown kind ${JSON.stringify(kind)} or dtype ${JSON.stringify(dtype)}; known kinds: ${Object.keys(exprs).join(', ')}`);
    }
    return (cache[dtype][kind] = build(`${kind}_${dtype}`, kind, exprs[kind]));
  };
}

/** The unary loop of `kind` for arrays of `dtype`. */
export const unaryLoop = loopCache<UnaryKind, UnaryLoop>(
  'unary',
  UNARY_EXPR,
  (name, kind, expr) => generate<UnaryLoop>(name, 'xs, out, n, p0, p1', UNARY_BODY(expr)) ?? interpretedUnaryLoop(kind),
);

/** The binary loop of `kind` for arrays of `dtype`. */
export const binaryLoop = loopCache<BinaryKind, BinaryLoop>(
  'binary',
  BINARY_EXPR,
  (name, kind, expr) => generate<BinaryLoop>(name, 'as, ia, sa, bs, ib, sb, out, io, n', BINARY_BODY(expr)) ?? interpretedBinaryLoop(kind),
);
