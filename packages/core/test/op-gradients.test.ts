// First-order gradient properties: one per differentiable op of the registry, keyed by
// op name, each comparing the tape with float64 central differences (checkGradients,
// rtol 1e-6) over random shapes and values. A registry walk makes sure no op escapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Backend,
  jsBackend,
  setBackend,
  Tape,
  abs,
  add,
  broadcastShapes,
  broadcastTo,
  cast,
  clamp,
  concat,
  cos,
  div,
  exp,
  gather,
  grad,
  greater,
  index,
  isDifferentiable,
  log,
  log1p,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  pad,
  permute,
  pow,
  putAlongAxis,
  reciprocal,
  registeredOps,
  relu,
  reshape,
  scatterAdd,
  sigmoid,
  sin,
  slice,
  sliceAxis,
  softmax,
  softplus,
  split,
  sqrt,
  square,
  squeeze,
  stack,
  sub,
  sum,
  takeAlongAxis,
  tanh,
  tensor,
  transpose,
  unsqueeze,
  unstack,
  where,
  withTape,
  type Tensor,
} from '../src/index.js';
import { broadcastableShapesArb, checkGradients, propertyRuns, shapeArb, type CheckGradientsOptions } from '../src/testing/index.js';
import { awayFromZero, axesOf, distinct, float32Exact, grid, ints, mask, permutation, vals } from './arbitraries.js';
import { count } from './helpers.js';
import { nativeUnderTest } from './backends.js';

/** One gradient check: a function of tensors and the inputs to check it at. */
interface Case {
  f: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
  options?: CheckGradientsOptions;
}

const runs = propertyRuns(20);
const shapes = shapeArb({ maxRank: 3, maxDim: 4 });
const shapes1 = shapeArb({ minRank: 1, maxRank: 3, maxDim: 4 });

const unary = (f: (x: Tensor) => Tensor, values: (s: number[]) => fc.Arbitrary<Tensor>): fc.Arbitrary<Case> =>
  shapes.chain((s) => values(s)).map((x) => ({ f, inputs: [x] }));

const binary = (f: (a: Tensor, b: Tensor) => Tensor, va: (s: number[]) => fc.Arbitrary<Tensor>, vb: (s: number[]) => fc.Arbitrary<Tensor>): fc.Arbitrary<Case> =>
  broadcastableShapesArb(2).chain(([sa, sb]) => fc.tuple(va(sa), vb(sb))).map(([a, b]) => ({ f: (x, y) => f(x, y), inputs: [a, b] }));

const reduction = (op: typeof sum, values: (s: number[]) => fc.Arbitrary<Tensor>): fc.Arbitrary<Case> =>
  shapes1
    .chain((s) => fc.tuple(values(s), axesOf(s.length, 1), fc.boolean()))
    .map(([x, axes, keepdims]) => ({ f: (t) => op(t, axes, keepdims), inputs: [x] }));

/** x < lo and x > hi and lo < x < hi, each at least 0.05 from the bounds. */
const clampCase: fc.Arbitrary<Case> = fc
  .tuple(fc.double({ min: -1.5, max: 0, noNaN: true }), fc.double({ min: 0.5, max: 2, noNaN: true }), fc.boolean(), shapes)
  .chain(([lo, width, upper, s]) => {
    const hi = upper ? lo + width : Infinity;
    const v = fc.tuple(fc.integer({ min: 0, max: upper ? 2 : 1 }), fc.double({ min: 0, max: 1, noNaN: true })).map(([region, u]) =>
      region === 0 ? lo - 0.05 - u : region === 1 ? lo + 0.05 + u * (width - 0.1) : hi + 0.05 + u,
    );
    return fc.array(v, { minLength: count(s), maxLength: count(s) }).map((d): Case => ({ f: (x) => clamp(x, lo, hi), inputs: [tensor(new Float64Array(d), { shape: s, dtype: 'float64' })] }));
  });

const matmulCase: fc.Arbitrary<Case> = fc
  .tuple(broadcastableShapesArb(2, { maxRank: 2, maxDim: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.boolean())
  .chain(([[ba, bb], m, k, n, transA, transB]) =>
    fc
      .tuple(vals([...ba, ...(transA ? [k, m] : [m, k])]), vals([...bb, ...(transB ? [n, k] : [k, n])]))
      .map(([a, b]): Case => ({ f: (x, y) => matmul(x, y, { transA, transB }), inputs: [a, b] })),
  );

const gatherCase: fc.Arbitrary<Case> = shapes1
  .chain((s) => fc.tuple(vals(s), fc.integer({ min: -s.length, max: s.length - 1 }), shapeArb({ maxRank: 2 }).chain((is) => ints(is, s[0]))))
  .chain(([x, axis, idx0]) => {
    // Indices must fit the chosen axis; regenerate them for that axis size.
    const size = x.shape[axis < 0 ? axis + x.rank : axis];
    return ints(idx0.shape, size).map((idx): Case => ({ f: (t, i) => gather(t, i, axis), inputs: [x, idx] }));
  });

const scatterCase: fc.Arbitrary<Case> = fc
  .tuple(shapeArb({ maxRank: 2 }), shapeArb({ maxRank: 2 }), shapeArb({ maxRank: 1 }), fc.integer({ min: 1, max: 4 }))
  .chain(([pre, idxShape, post, size]) =>
    fc.tuple(vals([...pre, ...idxShape, ...post]), ints(idxShape, size)).map(([u, idx]): Case => ({ f: (t, i) => scatterAdd(t, i, pre.length, size), inputs: [u, idx] })),
  );

const alongShapes = shapes1.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.integer({ min: 1, max: 4 })));

const takeAlongCase: fc.Arbitrary<Case> = alongShapes.chain(([s, axis, m]) =>
  fc.tuple(vals(s), ints(s.map((d, i) => (i === axis ? m : d)), s[axis])).map(([x, idx]): Case => ({ f: (t, i) => takeAlongAxis(t, i, axis), inputs: [x, idx] })),
);

const putAlongCase: fc.Arbitrary<Case> = alongShapes.chain(([s, axis, m]) => {
  const is = s.map((d, i) => (i === axis ? m : d));
  return fc.tuple(vals(is), ints(is, s[axis])).map(([v, idx]): Case => ({ f: (t, i) => putAlongAxis(t, i, axis, s), inputs: [v, idx] }));
});

const softmaxLike = (op: typeof softmax): fc.Arbitrary<Case> =>
  shapes1.chain((s) => fc.tuple(vals(s, -3, 3), fc.integer({ min: -s.length, max: s.length - 1 }))).map(([x, axis]) => ({ f: (t) => op(t, axis), inputs: [x] }));

/** Every differentiable op of the registry, keyed by its registered name. */
const cases: Record<string, fc.Arbitrary<Case>> = {
  exp: unary(exp, (s) => vals(s)),
  log: unary(log, (s) => vals(s, 0.2, 3)),
  log1p: unary(log1p, (s) => vals(s, -0.7, 3)),
  sqrt: unary(sqrt, (s) => vals(s, 0.2, 3)),
  abs: unary(abs, (s) => awayFromZero(s, 0.05)),
  sin: unary(sin, (s) => vals(s, -3, 3)),
  cos: unary(cos, (s) => vals(s, -3, 3)),
  square: unary(square, (s) => vals(s)),
  reciprocal: unary(reciprocal, (s) => awayFromZero(s, 0.3, 3)),
  neg: unary(neg, (s) => vals(s)),
  tanh: unary(tanh, (s) => vals(s, -3, 3)),
  sigmoid: unary(sigmoid, (s) => vals(s, -4, 4)),
  relu: unary(relu, (s) => awayFromZero(s, 0.05)),
  softplus: unary(softplus, (s) => vals(s, -4, 4)),
  clamp: clampCase,
  where: broadcastableShapesArb(3)
    .chain(([sc, sa, sb]) => fc.tuple(mask(sc), vals(sa), vals(sb)))
    .map(([c, a, b]): Case => ({ f: (cond, x, y) => where(cond, x, y), inputs: [c, a, b], options: { wrt: [1, 2] } })),
  add: binary(add, vals, vals),
  sub: binary(sub, vals, vals),
  mul: binary(mul, vals, vals),
  div: binary(div, vals, (s) => awayFromZero(s, 0.5)),
  pow: fc.oneof(
    binary(pow, (s) => vals(s, 0.3, 2), (s) => vals(s, -2, 2)),
    // A negative base with an integer exponent is smooth in the base; d/d(exponent) is
    // not real there (the rule returns 0), so only the base is checked.
    binary(pow, (s) => awayFromZero(s, 0.3), (s) => fc.integer({ min: -3, max: 3 }).map((k) => tensor(new Float64Array(count(s)).fill(k), { shape: s, dtype: 'float64' }))).map(
      (c): Case => ({ ...c, options: { wrt: [0] } }),
    ),
  ),
  maximum: binary(maximum, (s) => grid(s, 0.25), (s) => grid(s, 0)),
  minimum: binary(minimum, (s) => grid(s, 0.25), (s) => grid(s, 0)),
  sum: reduction(sum, (s) => vals(s)),
  max: reduction(max, distinct),
  min: reduction(min, distinct),
  matmul: matmulCase,
  reshape: shapes.chain((s) => {
    const n = count(s);
    const targets = [[n, 1], [1, ...s], [...s].reverse(), [n], [-1, 1]].filter((t) => t.join() !== s.join());
    return fc.tuple(vals(s), fc.constantFrom(...targets)).map(([x, t]): Case => ({ f: (v) => reshape(v, t), inputs: [x] }));
  }),
  permute: shapeArb({ minRank: 2, maxRank: 4, maxDim: 3 })
    .chain((s) => fc.tuple(vals(s), permutation(s.length)))
    .map(([x, p]): Case => {
      const perm = p.every((v, i) => v === i) ? [...p].reverse() : p;
      return { f: (v) => permute(v, perm), inputs: [x] };
    }),
  broadcastTo: broadcastableShapesArb(2)
    .chain(([a, b]) => fc.tuple(vals(a), fc.constant([2, ...broadcastShapes('test', a, b)])))
    .map(([x, target]): Case => ({ f: (v) => broadcastTo(v, target), inputs: [x] })),
  slice: shapeArb({ minRank: 1, maxRank: 3, minDim: 2, maxDim: 4 })
    .chain((s) => fc.tuple(vals(s), fc.tuple(...s.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((start) => fc.tuple(fc.constant(start), fc.integer({ min: 1, max: d - start })))))))
    .map(([x, blocks]): Case => {
      const starts = blocks.map(([s]) => s);
      const sizes = blocks.map(([, n]) => n);
      if (sizes.every((n, i) => n === x.shape[i])) sizes[0] -= 1; // a proper block, so the op runs
      return { f: (v) => slice(v, starts, sizes), inputs: [x] };
    }),
  pad: shapes1
    .chain((s) => fc.tuple(vals(s), fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: s.length, maxLength: s.length })))
    .map(([x, p]): Case => {
      const paddings = p.map(([b, a], i): [number, number] => (i === 0 && b + a === 0 ? [1, 0] : [b, a]));
      return { f: (v) => pad(v, paddings), inputs: [x] };
    }),
  concat: shapes1
    .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 })))
    .chain(([s, axis, lens]) => fc.tuple(...lens.map((len) => vals(s.map((d, i) => (i === axis ? len : d))))).map((xs): Case => ({ f: (...ts) => concat(ts, axis), inputs: xs }))),
  // The multi-output split op: every part enters the loss with its own weight, so a
  // mix-up between parts (or a missing part's cotangent) would show.
  split: shapes1
    .chain((s) => fc.tuple(vals(s), fc.integer({ min: 0, max: s.length - 1 })))
    .map(([x, axis]): Case => ({ f: (v) => stack(unstack(v, axis).map((p, i) => mul(p, i + 1)), axis), inputs: [x] })),
  gather: gatherCase,
  scatterAdd: scatterCase,
  takeAlongAxis: takeAlongCase,
  putAlongAxis: putAlongCase,
  softmax: softmaxLike(softmax),
  logSoftmax: softmaxLike(logSoftmax),
  // Values and steps on a 2⁻¹⁰ grid make the float32 round trip exact, so the float64
  // tolerance applies unchanged (the step is a power of two close to the default 1e-3).
  cast: shapes.chain(float32Exact).map((x): Case => ({ f: (v) => mul(cast(cast(v, 'float32'), 'float64'), v), inputs: [x], options: { eps: 2 ** -10 } })),
};

/** Ops no gradient flows through: comparisons, masks, argmax/argmin, sign. */
const nonDifferentiable = ['sign', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'positive', 'inRange', 'argmax', 'argmin'];

function assertGradients(c: Case): void {
  const report = checkGradients(c.f, c.inputs, c.options);
  if (!report.ok) throw new Error(report.summary);
}

/** The names of the ops `c.f` records on a tape. */
function recordedOps(c: Case): Set<string> {
  const xs = c.inputs.map((x) => (x.dtype === 'int32' ? x : cast(x, 'float64')));
  const tape = new Tape(true);
  withTape(tape, () => c.f(...xs));
  return new Set(tape.entries.map((e) => e.spec.name));
}

describe('registry walk', () => {
  it('every differentiable op has a gradient property and every other op is listed as non-differentiable', () => {
    const ops = registeredOps();
    const names = ops.map((op) => op.name);
    expect(new Set(names).size, 'op names are unique').toBe(names.length);
    const missing = ops.filter((op) => isDifferentiable(op) && !(op.name in cases)).map((op) => op.name);
    const unlisted = ops.filter((op) => !isDifferentiable(op) && !nonDifferentiable.includes(op.name)).map((op) => op.name);
    expect(missing, 'differentiable ops without a gradient property').toEqual([]);
    expect(unlisted, 'non-differentiable ops not listed as such').toEqual([]);
    // No stale entries either: every case and every listed name is a registered op of that kind.
    expect(Object.keys(cases).filter((n) => !ops.some((op) => op.name === n && isDifferentiable(op)))).toEqual([]);
    expect(nonDifferentiable.filter((n) => !ops.some((op) => op.name === n && !isDifferentiable(op)))).toEqual([]);
  });

  it('each case exercises the op it is keyed by', () => {
    for (const [name, arb] of Object.entries(cases)) {
      for (const c of fc.sample(arb, { numRuns: 5, seed: 42 })) expect(recordedOps(c), name).toContain(name);
    }
  });

  it('non-differentiable ops record nothing and pass no gradient', () => {
    const x = tensor([-1.5, 0.5, 2], { dtype: 'float64' });
    const g = grad((v: Tensor) => sum(mul(greater(v, 0), v)))(x);
    // d/dv Σ [v > 0]·v = [v > 0]: the mask itself is a constant.
    expect(g.toFlatArray()).toEqual([0, 1, 1]);
  });
});

let previous: Backend;

// Under the native backend too: its kernels compute the forward and backward passes there.
describe.each([jsBackend, ...nativeUnderTest])('first-order gradients of every op ($name backend)', (kernels) => {
  beforeAll(() => {
    previous = setBackend(kernels);
  });
  afterAll(() => {
    setBackend(previous);
  });
  for (const [name, arb] of Object.entries(cases)) {
    it(name, () => {
      fc.assert(fc.property(arb, (c) => assertGradients(c)), { numRuns: runs });
    });
  }
});

describe('first-order gradients of composed functions', () => {
  const composed: Record<string, fc.Arbitrary<Case>> = {
    mean: shapes.chain((s) => fc.tuple(vals(s), axesOf(s.length), fc.boolean())).map(([x, axes, keepdims]): Case => ({ f: (v) => mean(v, axes, keepdims), inputs: [x] })),
    logsumexp: shapes1
      .chain((s) => fc.tuple(vals(s, -3, 3), axesOf(s.length), fc.boolean(), fc.constantFrom(0, 500, -500)))
      .map(([x, axes, keepdims, shift]): Case => ({ f: (v) => logsumexp(add(v, shift), axes, keepdims), inputs: [x] })),
    stack: shapes
      .chain((s) => fc.tuple(fc.array(vals(s), { minLength: 1, maxLength: 3 }), fc.integer({ min: -(s.length + 1), max: s.length })))
      .map(([xs, axis]): Case => ({ f: (...ts) => stack(ts, axis), inputs: xs })),
    split: shapes1
      .chain((s) => fc.tuple(vals(s), fc.integer({ min: 0, max: s.length - 1 })))
      .map(([x, axis]): Case => {
        const n = x.shape[axis];
        const sizes = n === 1 ? [1] : [1, n - 1];
        // Weight each part differently so a mix-up between parts would show.
        return { f: (v) => concat(split(v, sizes, axis).map((p, i) => mul(p, i + 1)), axis), inputs: [x] };
      }),
    squeeze: shapes.chain((s) => vals([1, ...s, 1])).map((x): Case => ({ f: (v) => squeeze(v), inputs: [x] })),
    unsqueeze: shapes.chain((s) => fc.tuple(vals(s), fc.integer({ min: -(s.length + 1), max: s.length }))).map(([x, axis]): Case => ({ f: (v) => unsqueeze(v, axis), inputs: [x] })),
    transpose: shapeArb({ minRank: 2, maxRank: 4, maxDim: 3 }).chain(vals).map((x): Case => ({ f: (v) => transpose(v), inputs: [x] })),
    sliceAxis: shapes1
      .chain((s) => fc.tuple(vals(s), fc.integer({ min: 0, max: s.length - 1 })))
      .chain(([x, axis]) => {
        const n = x.shape[axis];
        return fc.integer({ min: -n, max: n - 1 }).map((start): Case => ({ f: (v) => sliceAxis(v, axis, start), inputs: [x] }));
      }),
    index: shapes1
      .chain((s) => fc.tuple(vals(s), fc.integer({ min: 0, max: s.length - 1 })))
      .chain(([x, axis]) => fc.integer({ min: -x.shape[axis], max: x.shape[axis] - 1 }).map((i): Case => ({ f: (v) => index(v, axis, i), inputs: [x] }))),
    unstack: shapes1.chain(vals).map((x): Case => ({ f: (v) => stack(unstack(v).map((p, i) => mul(p, i + 1))), inputs: [x] })),
    'rnn step + cross-entropy': fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 4 }))
      .chain(([b, i, h]) => fc.tuple(vals([b, i]), vals([b, h]), vals([i, h], -1, 1), vals([h, h], -1, 1), vals([h]), ints([b, 1], h)))
      .map(([x, h0, wx, wh, bias, target]): Case => ({
        f: (xv, hv, wxv, whv, bv, t) => {
          const h = tanh(add(add(matmul(xv, wxv), matmul(hv, whv, { transB: true })), bv));
          return neg(mean(takeAlongAxis(logSoftmax(h), t, 1)));
        },
        inputs: [x, h0, wx, wh, bias, target],
      })),
  };
  for (const [name, arb] of Object.entries(composed)) {
    it(name, () => {
      fc.assert(fc.property(arb, (c) => assertGradients(c)), { numRuns: runs });
    });
  }

  it('max shares the gradient equally between tied maxima', () => {
    const g = grad((v: Tensor) => max(v))(tensor([1, 3, 3, 2], { dtype: 'float64' }));
    expect(g.toFlatArray()).toEqual([0, 0.5, 0.5, 0]);
    const h = grad((v: Tensor) => sum(min(v, 1)))(tensor([[0, 0, 1], [2, 1, 3]], { dtype: 'float64' }));
    expect(h.toFlatArray()).toEqual([0.5, 0.5, 0, 0, 1, 0]);
  });

  it('maximum and minimum send the gradient of a tie to the first operand', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(add(maximum(a, b), mul(minimum(a, b), 10))), { argnums: [0, 1] })(tensor([1, 2]), tensor([1, 3]));
    expect(ga.toFlatArray()).toEqual([11, 10]);
    expect(gb.toFlatArray()).toEqual([0, 1]);
  });

  it('relu and abs have gradient 0 at 0; clamp passes the gradient at its bounds', () => {
    const x = tensor([0, -1, 1], { dtype: 'float64' });
    expect(grad((v: Tensor) => sum(relu(v)))(x).toFlatArray()).toEqual([0, 0, 1]);
    expect(grad((v: Tensor) => sum(abs(v)))(x).toFlatArray()).toEqual([0, -1, 1]);
    expect(grad((v: Tensor) => sum(clamp(v, -1, 0)))(x).toFlatArray()).toEqual([1, 1, 0]);
  });
});
