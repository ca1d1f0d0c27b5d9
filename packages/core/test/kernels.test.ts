// Kernels (through their ops, without tapes) against naive reference implementations
// written with explicit multi-indices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Backend,
  Rng,
  setBackend,
  abs,
  add,
  argmax,
  argmin,
  broadcastShapes,
  cast,
  concat,
  cos,
  div,
  equal,
  exp,
  gather,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  log1p,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  min,
  minimum,
  mul,
  neg,
  notEqual,
  pad,
  permute,
  pow,
  putAlongAxis,
  reciprocal,
  relu,
  scatterAdd,
  sigmoid,
  sign,
  sin,
  slice,
  softmax,
  softplus,
  sqrt,
  square,
  sub,
  sum,
  takeAlongAxis,
  tanh,
  tensor,
  where,
  clamp,
  type Tensor,
  type TensorLike,
} from '../src/index.js';
import { broadcastablePairArb, broadcastableShapesArb, propertyRuns, shapeArb } from '../src/testing/index.js';
import { broadcastRead, count, expectClose, indices, ravel, randn } from './helpers.js';
import { backendsUnderTest } from './backends.js';

const runs = propertyRuns(30);

/** Installs `kernels` for the enclosing describe block. */
function useBackend(kernels: Backend): void {
  let previous: Backend;
  beforeAll(() => {
    previous = setBackend(kernels);
  });
  afterAll(() => {
    setBackend(previous);
  });
}
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

// ---------------------------------------------------------------------------------------
// matmul

/** Naive batched op(A)·op(B): a plain triple loop per batch, batch axes broadcast by index. */
function naiveMatmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean): { shape: number[]; data: Float64Array; scale: Float64Array } {
  const M = transA ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
  const K = transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const N = transB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes('ref', batchA, batchB);
  const shape = [...batch, M, N];
  const data = new Float64Array(count(shape));
  const scale = new Float64Array(count(shape)); // Σ|a·b|, for rounding-error bounds
  let p = 0;
  for (const bi of indices(batch)) {
    const aBase = ravel(batchA.map((d, t) => (d === 1 ? 0 : bi[batch.length - batchA.length + t])), batchA) * M * K;
    const bBase = ravel(batchB.map((d, t) => (d === 1 ? 0 : bi[batch.length - batchB.length + t])), batchB) * K * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++, p++) {
        let acc = 0, s = 0;
        for (let k = 0; k < K; k++) {
          const x = a.data[aBase + (transA ? k * M + i : i * K + k)];
          const y = b.data[bBase + (transB ? j * K + k : k * N + j)];
          acc += x * y;
          s += Math.abs(x * y);
        }
        data[p] = acc;
        scale[p] = s;
      }
    }
  }
  return { shape, data, scale };
}

function operandShape(batch: number[], rows: number, cols: number, trans: boolean): number[] {
  return [...batch, ...(trans ? [cols, rows] : [rows, cols])];
}

function checkMatmul(rng: Rng, batchA: number[], batchB: number[], m: number, k: number, n: number, transA: boolean, transB: boolean, dtype: 'float32' | 'float64'): void {
  const a = randn(rng, operandShape(batchA, m, k, transA), dtype);
  const b = randn(rng, operandShape(batchB, k, n, transB), dtype);
  const c = matmul(a, b, { transA, transB });
  const ref = naiveMatmul(a, b, transA, transB);
  expect(c.shape).toEqual(ref.shape);
  expect(c.dtype).toBe(dtype);
  // Error bound of a length-k dot product: k·u·Σ|a||b| (u = unit roundoff), plus the final
  // rounding of the result to the storage type.
  const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
  for (let i = 0; i < c.size; i++) {
    const bound = (k + 2) * u * ref.scale[i] + u * Math.abs(ref.data[i]) + 1e-300;
    if (!(Math.abs(c.data[i] - ref.data[i]) <= bound)) {
      expect.fail(`matmul ${JSON.stringify({ batchA, batchB, m, k, n, transA, transB, dtype })}: element ${i} is ${c.data[i]}, reference ${ref.data[i]}`);
    }
  }
}

// Both backends' kernels against the same reference: the wasm-simd backend's layouts
// (row dot products for few rows, 4×8 tiles as stored, packed panels for large
// products, blocks of rows) each get shapes that reach them, ragged edges included.
describe.each(backendsUnderTest)('matmul kernel ($name backend)', (kernels) => {
  let previous: Backend;
  beforeAll(() => {
    previous = setBackend(kernels);
  });
  afterAll(() => {
    setBackend(previous);
  });
  const dim = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 9 }) }, { weight: 1, arbitrary: fc.integer({ min: 10, max: 70 }) });

  it('matches a naive triple loop for every transpose flag, with batch broadcasting', () => {
    fc.assert(
      fc.property(broadcastableShapesArb(2, { maxRank: 2, maxDim: 3 }), dim, dim, dim, fc.boolean(), fc.boolean(), fc.constantFrom('float32' as const, 'float64' as const), seedArb, ([ba, bb], m, k, n, ta, tb, dtype, seed) => {
        checkMatmul(new Rng(seed), ba, bb, m, k, n, ta, tb, dtype);
      }),
      { numRuns: propertyRuns(60) },
    );
  });

  // Sizes chosen to reach every path of the kernel: the direct loops, the packed/blocked
  // path with ragged edge tiles, several K panels (K > 256), several row blocks and a
  // column block wider than the panel width.
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [1, 300, 7],
    [5, 3, 2100],
    [8, 8, 2100],
    [33, 17, 65],
    [64, 64, 64],
    [67, 300, 45],
    [130, 70, 5],
    [3, 513, 129],
    [16, 40, 33],
    [17, 129, 90],
    [130, 300, 70],
    [40, 2100, 30],
  ];
  for (const [m, k, n] of sizes) {
    it(`matches the naive product at M=${m} K=${k} N=${n} for all flags`, () => {
      const rng = new Rng(m * 7919 + k * 31 + n);
      for (const ta of [false, true]) for (const tb of [false, true]) checkMatmul(rng, [], [], m, k, n, ta, tb, 'float32');
      checkMatmul(rng, [2], [], m, k, n, false, true, 'float64');
    });
  }

  it('propagates NaN and Infinity like the naive product (0·∞ is NaN)', () => {
    const a = tensor([[0, 1]], { dtype: 'float64' });
    const b = tensor([[Infinity], [2]], { dtype: 'float64' });
    expect(matmul(a, b).item()).toBeNaN();
    expect(matmul(tensor([[1, 1]]), tensor([[NaN], [1]])).item()).toBeNaN();
  });

  it('handles empty dimensions', () => {
    expect(Array.from(matmul(tensor(new Float32Array(0), { shape: [2, 0] }), tensor(new Float32Array(0), { shape: [0, 3] })).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------
// element-wise

const BINARY: [string, (a: TensorLike, b: TensorLike) => Tensor, (a: number, b: number) => number][] = [
  ['add', add, (a, b) => a + b],
  ['sub', sub, (a, b) => a - b],
  ['mul', mul, (a, b) => a * b],
  ['div', div, (a, b) => a / b],
  ['pow', pow, (a, b) => a ** b],
  ['maximum', maximum, (a, b) => Math.max(a, b)],
  ['minimum', minimum, (a, b) => Math.min(a, b)],
  ['equal', equal, (a, b) => Number(a === b)],
  ['notEqual', notEqual, (a, b) => Number(a !== b)],
  ['less', less, (a, b) => Number(a < b)],
  ['lessEqual', lessEqual, (a, b) => Number(a <= b)],
  ['greater', greater, (a, b) => Number(a > b)],
  ['greaterEqual', greaterEqual, (a, b) => Number(a >= b)],
];

describe.each(backendsUnderTest)('element-wise kernels ($name backend)', (kernels) => {
  useBackend(kernels);
  for (const [name, op, ref] of BINARY) {
    it(`${name} broadcasts like the naive definition`, () => {
      fc.assert(
        fc.property(broadcastablePairArb({ maxRank: 4 }), seedArb, ([sa, sb], seed) => {
          const rng = new Rng(seed);
          // Small integers make ties (for comparisons and maximum/minimum) common.
          const a = tensor(rng.integers(sa, 5).data, { shape: sa, dtype: 'float64' });
          const b = tensor(rng.integers(sb, 5).data, { shape: sb, dtype: 'float64' });
          const out = op(sub(a, 2), add(b, 0.5));
          const shape = broadcastShapes('ref', sa, sb);
          expect(out.shape).toEqual(shape);
          const expected = [...indices(shape)].map((idx) => ref(broadcastRead(a.data, sa, idx) - 2, broadcastRead(b.data, sb, idx) + 0.5));
          // Exact, but pow: neither V8's Math.pow nor the C library's is correctly rounded,
          // so the native backend may differ from the reference in the last bit (2^-52).
          expectClose(out, expected, { rtol: name === 'pow' ? 2.3e-16 : 0, atol: 0 });
        }),
        { numRuns: runs },
      );
    });
  }

  it('maximum and minimum propagate NaN', () => {
    expect(maximum(tensor([NaN, 1]), tensor([1, NaN])).toFlatArray()).toEqual([NaN, NaN]);
    expect(minimum(tensor([NaN, 1]), tensor([1, NaN])).toFlatArray()).toEqual([NaN, NaN]);
  });

  it('numbers take the dtype of the tensor operand', () => {
    expect(add(tensor([1], { dtype: 'float64' }), 0.1).data[0]).toBe(1.1);
    expect(add(tensor([1]), 0.1).data[0]).toBe(Math.fround(1 + Math.fround(0.1)));
    expect(mul(3, tensor([2], { dtype: 'int32' })).dtype).toBe('int32');
  });

  it('unary kernels agree with their definitions', () => {
    const x = tensor([-3, -1.5, -0.25, 0, 0.5, 2, 7], { dtype: 'float64' });
    const pos = tensor([0.01, 0.5, 1, 3, 1e6], { dtype: 'float64' });
    const cases: [string, Tensor, Tensor, (v: number) => number][] = [
      ['neg', x, neg(x), (v) => -v],
      ['exp', x, exp(x), Math.exp],
      ['log', pos, log(pos), Math.log],
      ['log1p', pos, log1p(pos), Math.log1p],
      ['sqrt', pos, sqrt(pos), Math.sqrt],
      ['abs', x, abs(x), Math.abs],
      ['sin', x, sin(x), Math.sin],
      ['cos', x, cos(x), Math.cos],
      ['square', x, square(x), (v) => v * v],
      ['reciprocal', pos, reciprocal(pos), (v) => 1 / v],
      ['sign', x, sign(x), Math.sign],
      ['tanh', x, tanh(x), Math.tanh],
      ['sigmoid', x, sigmoid(x), (v) => 1 / (1 + Math.exp(-v))],
      ['relu', x, relu(x), (v) => Math.max(v, 0)],
      ['softplus', x, softplus(x), (v) => Math.log(1 + Math.exp(v))],
      ['clamp', x, clamp(x, -1, 0.5), (v) => Math.min(Math.max(v, -1), 0.5)],
    ];
    for (const [name, input, out, ref] of cases) {
      expect(out.shape, name).toEqual(input.shape);
      expectClose(out, Array.from(input.data, ref), { rtol: 1e-15, atol: 1e-16 });
    }
  });

  it('sigmoid and softplus do not overflow at ±1000', () => {
    const x = tensor([-1000, 1000], { dtype: 'float64' });
    expect(sigmoid(x).toFlatArray()).toEqual([0, 1]);
    expect(softplus(x).toFlatArray()).toEqual([0, 1000]);
    // sigmoid(-40) = e^-40 / (1 + e^-40): the stable branch keeps the relative accuracy.
    expect(sigmoid(tensor([-40], { dtype: 'float64' })).item() / Math.exp(-40)).toBeCloseTo(1, 12);
  });

  it('where selects with a broadcast condition of any dtype', () => {
    fc.assert(
      fc.property(broadcastableShapesArb(3), seedArb, ([sc, sa, sb], seed) => {
        const rng = new Rng(seed);
        const cond = rng.integers(sc, 2);
        const a = randn(rng, sa);
        const b = randn(rng, sb);
        const shape = broadcastShapes('ref', broadcastShapes('ref', sc, sa), sb);
        const out = where(cond, a, b);
        const expected = [...indices(shape)].map((idx) => (broadcastRead(cond.data, sc, idx) !== 0 ? broadcastRead(a.data, sa, idx) : broadcastRead(b.data, sb, idx)));
        expect(out.shape).toEqual(shape);
        expectClose(out, expected, { rtol: 0, atol: 0 });
      }),
      { numRuns: runs },
    );
  });

  it('cast truncates toward zero and rounds to float32', () => {
    expect(cast(tensor([2.9, -2.9, 0.5, -0.5], { dtype: 'float64' }), 'int32').toFlatArray()).toEqual([2, -2, 0, 0]);
    expect(cast(tensor([0.1], { dtype: 'float64' }), 'float32').data[0]).toBe(Math.fround(0.1));
    expect(cast(tensor([3], { dtype: 'int32' }), 'float64').data).toBeInstanceOf(Float64Array);
  });
});

// ---------------------------------------------------------------------------------------
// reductions

const axesArb = (rank: number): fc.Arbitrary<number[]> => fc.subarray(Array.from({ length: rank }, (_, i) => i));

function naiveReduce(x: Tensor, axes: number[], keepdims: boolean, init: number, combine: (acc: number, v: number) => number): { shape: number[]; data: number[] } {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Array<number>(count(keptShape)).fill(init);
  for (const idx of indices(x.shape)) {
    const o = ravel(idx.map((v, i) => (axes.includes(i) ? 0 : v)), keptShape);
    acc[o] = combine(acc[o], x.data[ravel(idx, x.shape)]);
  }
  return { shape: keepdims ? keptShape : x.shape.filter((_, i) => !axes.includes(i)), data: acc };
}

describe.each(backendsUnderTest)('reductions ($name backend)', (kernels) => {
  useBackend(kernels);
  const cases: [string, typeof sum, number, (acc: number, v: number) => number][] = [
    ['sum', sum, 0, (acc, v) => acc + v],
    ['max', max, -Infinity, Math.max],
    ['min', min, Infinity, Math.min],
  ];
  for (const [name, op, init, combine] of cases) {
    it(`${name} over random axes (contiguous or not) matches the naive loop`, () => {
      fc.assert(
        fc.property(
          shapeArb({ minRank: 1, maxRank: 4 }).chain((s) => fc.tuple(fc.constant(s), axesArb(s.length), fc.boolean(), fc.constantFrom('float32' as const, 'float64' as const), seedArb)),
          ([shape, axes, keepdims, dtype, seed]) => {
            const x = randn(new Rng(seed), shape, dtype);
            const out = op(x, axes, keepdims);
            if (axes.length === 0) {
              expect(out).toBe(x);
              return;
            }
            const ref = naiveReduce(x, axes, keepdims, init, combine);
            expect(out.shape).toEqual(ref.shape);
            expectClose(out, ref.data, { rtol: dtype === 'float32' ? 1e-6 : 1e-13, atol: dtype === 'float32' ? 1e-6 : 1e-13 });
          },
        ),
        { numRuns: runs },
      );
    });
  }

  it('sum accumulates float32 in double precision', () => {
    // 1 + 2^-24 repeated: a float32 accumulator would never move past 1.
    const n = 1 << 12;
    const x = tensor(new Float32Array(n).fill(2 ** -24));
    const withOne = concat([tensor([1]), x]);
    expect(sum(withOne).item()).toBe(Math.fround(1 + n * 2 ** -24));
  });

  it('sum over all axes of a scalar-shaped input and of an empty axis', () => {
    expect(sum(tensor(3)).item()).toBe(3);
    expect(sum(tensor(new Float32Array(0), { shape: [2, 0] }), 1).toFlatArray()).toEqual([0, 0]);
  });

  it('max and min propagate NaN', () => {
    expect(max(tensor([1, NaN, 3])).item()).toBeNaN();
    expect(min(tensor([NaN, 1, 3])).item()).toBeNaN();
  });

  it('argmax and argmin return the first extreme along the axis', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3 }).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 }), seedArb)), ([shape, axis, seed]) => {
        const x = tensor(new Rng(seed).integers(shape, 3).data, { shape, dtype: 'float32' }); // many ties
        const a = axis < 0 ? axis + shape.length : axis;
        for (const [fn, better] of [
          [argmax, (v: number, best: number) => v > best],
          [argmin, (v: number, best: number) => v < best],
        ] as const) {
          const out = fn(x, axis);
          expect(out.dtype).toBe('int32');
          const outShape = shape.filter((_, i) => i !== a);
          expect(out.shape).toEqual(outShape);
          const expected = [...indices(outShape)].map((idx) => {
            let bestAt = 0;
            let best = NaN;
            for (let k = 0; k < shape[a]; k++) {
              const v = x.data[ravel([...idx.slice(0, a), k, ...idx.slice(a)], shape)];
              if (k === 0 || better(v, best)) {
                best = v;
                bestAt = k;
              }
            }
            return bestAt;
          });
          expect(Array.from(out.data)).toEqual(expected);
        }
      }),
      { numRuns: runs },
    );
  });
});

// ---------------------------------------------------------------------------------------
// layout

describe.each(backendsUnderTest)('layout kernels ($name backend)', (kernels) => {
  useBackend(kernels);
  it('permute matches out[i] = x[i∘perm⁻¹]', () => {
    fc.assert(
      fc.property(
        shapeArb({ minRank: 0, maxRank: 5 }).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }), seedArb)),
        ([shape, perm, seed]) => {
          const x = randn(new Rng(seed), shape);
          const out = permute(x, perm);
          const outShape = perm.map((p) => shape[p]);
          expect(out.shape).toEqual(outShape);
          const expected = [...indices(outShape)].map((idx) => {
            const src = new Array<number>(shape.length);
            perm.forEach((p, i) => (src[p] = idx[i]));
            return x.data[ravel(src, shape)];
          });
          expectClose(out, expected, { rtol: 0, atol: 0 });
        },
      ),
      { numRuns: runs },
    );
  });

  it('slice and pad are each other’s inverse and match the naive definition', () => {
    const arb = shapeArb({ minRank: 1, maxRank: 4 }).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.tuple(...s.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((start) => fc.tuple(fc.constant(start), fc.integer({ min: 1, max: d - start }))))),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: s.length, maxLength: s.length }),
        seedArb,
      ),
    );
    fc.assert(
      fc.property(arb, ([shape, blocks, paddings, seed]) => {
        const x = randn(new Rng(seed), shape);
        const starts = blocks.map(([s]) => s);
        const sizes = blocks.map(([, n]) => n);
        const s = slice(x, starts, sizes);
        // a size of -1 runs to the end of the axis
        expect(slice(x, starts, sizes.map(() => -1)).shape).toEqual(shape.map((d, i) => d - starts[i]));
        expect(s.shape).toEqual(sizes);
        expectClose(s, [...indices(sizes)].map((idx) => x.data[ravel(idx.map((v, i) => v + starts[i]), shape)]), { rtol: 0, atol: 0 });

        const p = pad(x, paddings);
        const padded = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
        expect(p.shape).toEqual(padded);
        const expected = [...indices(padded)].map((idx) => {
          const src = idx.map((v, i) => v - paddings[i][0]);
          return src.every((v, i) => v >= 0 && v < shape[i]) ? x.data[ravel(src, shape)] : 0;
        });
        expectClose(p, expected, { rtol: 0, atol: 0 });
        expectClose(
          slice(
            p,
            paddings.map(([b]) => b),
            shape,
          ),
          x.data,
          { rtol: 0, atol: 0 },
        );
      }),
      { numRuns: runs },
    );
  });

  it('concat joins along any axis', () => {
    const arb = shapeArb({ minRank: 1, maxRank: 3 }).chain((s) =>
      fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 4 }), seedArb),
    );
    fc.assert(
      fc.property(arb, ([shape, axis, lengths, seed]) => {
        const rng = new Rng(seed);
        const parts = lengths.map((len) => randn(rng, shape.map((d, i) => (i === axis ? len : d))));
        const out = concat(parts, axis);
        const total = lengths.reduce((a, b) => a + b, 0);
        const outShape = shape.map((d, i) => (i === axis ? total : d));
        expect(out.shape).toEqual(outShape);
        const expected = [...indices(outShape)].map((idx) => {
          let k = idx[axis];
          let p = 0;
          while (k >= lengths[p]) k -= lengths[p++];
          const src = idx.slice();
          src[axis] = k;
          return parts[p].data[ravel(src, parts[p].shape)];
        });
        expectClose(out, expected, { rtol: 0, atol: 0 });
      }),
      { numRuns: runs },
    );
  });
});

// ---------------------------------------------------------------------------------------
// indexing

const gatherArb = shapeArb({ minRank: 1, maxRank: 3 }).chain((s) =>
  fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), shapeArb({ minRank: 0, maxRank: 2 }), seedArb),
);

describe.each(backendsUnderTest)('indexing kernels ($name backend)', (kernels) => {
  useBackend(kernels);
  it('gather is NumPy take and scatterAdd is its adjoint (duplicates add up)', () => {
    fc.assert(
      fc.property(gatherArb, ([shape, axis, idxShape, seed]) => {
        const rng = new Rng(seed);
        const x = randn(rng, shape);
        const idx = rng.integers(idxShape, shape[axis]);
        const out = gather(x, idx, axis);
        const outShape = [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)];
        expect(out.shape).toEqual(outShape);
        const r = idxShape.length;
        const expected = [...indices(outShape)].map((o) => {
          const j = idx.data[ravel(o.slice(axis, axis + r), idxShape)];
          return x.data[ravel([...o.slice(0, axis), j, ...o.slice(axis + r)], shape)];
        });
        expectClose(out, expected, { rtol: 0, atol: 0 });

        const updates = randn(rng, outShape);
        const scattered = scatterAdd(updates, idx, axis, shape[axis]);
        expect(scattered.shape).toEqual(shape);
        const acc = new Float64Array(count(shape));
        for (const o of indices(outShape)) {
          const j = idx.data[ravel(o.slice(axis, axis + r), idxShape)];
          acc[ravel([...o.slice(0, axis), j, ...o.slice(axis + r)], shape)] += updates.data[ravel(o, outShape)];
        }
        expectClose(scattered, acc, { rtol: 1e-14, atol: 1e-14 });
        // Negative axes count from the end, for both.
        expectClose(gather(x, idx, axis - shape.length), out.data, { rtol: 0, atol: 0 });
        expectClose(scatterAdd(updates, idx, axis - shape.length, shape[axis]), scattered.data, { rtol: 0, atol: 0 });
      }),
      { numRuns: runs },
    );
  });

  it('takeAlongAxis picks per position and putAlongAxis is its adjoint', () => {
    const arb = shapeArb({ minRank: 1, maxRank: 3 }).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.integer({ min: 1, max: 4 }), seedArb));
    fc.assert(
      fc.property(arb, ([shape, axis, m, seed]) => {
        const rng = new Rng(seed);
        const x = randn(rng, shape);
        const idxShape = shape.map((d, i) => (i === axis ? m : d));
        const idx = rng.integers(idxShape, shape[axis]);
        const out = takeAlongAxis(x, idx, axis);
        expect(out.shape).toEqual(idxShape);
        const expected = [...indices(idxShape)].map((o) => {
          const src = o.slice();
          src[axis] = idx.data[ravel(o, idxShape)];
          return x.data[ravel(src, shape)];
        });
        expectClose(out, expected, { rtol: 0, atol: 0 });

        const values = randn(rng, idxShape);
        const put = putAlongAxis(values, idx, axis, shape);
        const acc = new Float64Array(count(shape));
        for (const o of indices(idxShape)) {
          const dst = o.slice();
          dst[axis] = idx.data[ravel(o, idxShape)];
          acc[ravel(dst, shape)] += values.data[ravel(o, idxShape)];
        }
        expectClose(put, acc, { rtol: 1e-14, atol: 1e-14 });
      }),
      { numRuns: runs },
    );
  });
});

// ---------------------------------------------------------------------------------------
// softmax

function naiveSoftmax(x: Tensor, axis: number, log: boolean): number[] {
  const out = new Array<number>(x.size);
  const lineShape = x.shape.map((d, i) => (i === axis ? 1 : d));
  for (const base of indices(lineShape)) {
    const at = (k: number): number => ravel(base.map((v, i) => (i === axis ? k : v)), x.shape);
    const n = x.shape[axis];
    let m = -Infinity;
    for (let k = 0; k < n; k++) m = Math.max(m, x.data[at(k)]);
    let z = 0;
    for (let k = 0; k < n; k++) z += Math.exp(x.data[at(k)] - m);
    for (let k = 0; k < n; k++) out[at(k)] = log ? x.data[at(k)] - m - Math.log(z) : Math.exp(x.data[at(k)] - m) / z;
  }
  return out;
}

describe.each(backendsUnderTest)('softmax kernels ($name backend)', (kernels) => {
  useBackend(kernels);
  it('softmax and logSoftmax match the definition along any axis', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3 }).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), seedArb)), ([shape, axis, seed]) => {
        const x = mul(randn(new Rng(seed), shape), 3);
        expectClose(softmax(x, axis), naiveSoftmax(x, axis, false), { rtol: 1e-14, atol: 1e-15 });
        expectClose(logSoftmax(x, axis), naiveSoftmax(x, axis, true), { rtol: 1e-14, atol: 1e-14 });
        const rows = sum(softmax(x, axis), axis);
        expectClose(rows, new Array<number>(rows.size).fill(1), { rtol: 1e-14, atol: 1e-14 });
      }),
      { numRuns: runs },
    );
  });

  it('is stable for logits of ±1000', () => {
    const x = tensor([[1000, 0, -1000], [1000, 1000, -1000], [-1000, -1000, -1000]], { dtype: 'float64' });
    const p = softmax(x);
    expectClose(p, [1, 0, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3], { rtol: 1e-15, atol: 1e-300 });
    const lp = logSoftmax(x);
    expectClose(lp, [0, -1000, -2000, -Math.LN2, -Math.LN2, -2000 - Math.LN2, -Math.log(3), -Math.log(3), -Math.log(3)], { rtol: 1e-15, atol: 1e-15 });
    expectClose(logsumexp(x, 1), [1000, 1000 + Math.LN2, -1000 + Math.log(3)], { rtol: 1e-15, atol: 0 });
    // float32 too: no overflow to NaN.
    expect(softmax(tensor([1000, -1000])).toFlatArray()).toEqual([1, 0]);
    // A fully masked row: log Σ exp(−∞) = −∞, and −∞ entries beside finite ones are ignored.
    expect(logsumexp(tensor([[-Infinity, -Infinity], [-Infinity, 0]]), 1).toFlatArray()).toEqual([-Infinity, 0]);
  });

  it('softmax is invariant to shifting a row by ±1000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.constantFrom(1000, -1000), seedArb, (n, shift, seed) => {
        const x = randn(new Rng(seed), [3, n]);
        // Relative error of the shifted logits is ~1000·2⁻⁵³, so probabilities agree to ~1e-13.
        expectClose(softmax(add(x, shift)), softmax(x).data, { rtol: 1e-12, atol: 1e-15 });
        expectClose(logSoftmax(add(x, shift)), logSoftmax(x).data, { rtol: 1e-12, atol: 1e-12 });
      }),
      { numRuns: runs },
    );
  });
});
