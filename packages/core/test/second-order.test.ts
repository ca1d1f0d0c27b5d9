// Higher-order derivatives. Backward rules are written with differentiable ops and
// reuse saved outputs (tanh, sigmoid, exp, softmax…) that stay connected to the outer
// tape, so gradients of gradients are exact. TensorFlow.js gets the second derivatives
// of tanh, sigmoid and exp wrong because its rules treat the saved output as a constant;
// the closed-form tests below would catch exactly that mistake.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Rng,
  add,
  concat,
  div,
  exp,
  gather,
  grad,
  hessianVectorProduct,
  log,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  mul,
  pow,
  reshape,
  sigmoid,
  sin,
  softmax,
  softplus,
  sqrt,
  reciprocal,
  sum,
  takeAlongAxis,
  tanh,
  tensor,
  where,
  type Tensor,
} from '../src/index.js';
import { broadcastableShapesArb, checkGradients, propertyRuns, shapeArb } from '../src/testing/index.js';
import { awayFromZero, distinct, ints, mask, vals } from './arbitraries.js';
import { expectClose } from './helpers.js';

const runs = propertyRuns(15);
const small = shapeArb({ minRank: 1, maxRank: 2, maxDim: 3 });

/**
 * The gradient of `⟨f(xs), r⟩` with respect to every input, flattened and concatenated:
 * checking it against central differences checks the Hessian of every component of f.
 */
function gradientOf(f: (...xs: Tensor[]) => Tensor, nInputs: number): (...xs: Tensor[]) => Tensor {
  const argnums = Array.from({ length: nInputs }, (_, i) => i);
  return (...xs) => {
    const out = f(...xs);
    const r = new Rng(17).normal(out.shape, { dtype: out.dtype });
    const gs = grad((...ys: Tensor[]) => sum(mul(f(...ys), r)), { argnums })(...xs);
    return concat(gs.map((g) => reshape(g, [-1])));
  };
}

function assertSecondOrder(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const report = checkGradients(gradientOf(f, inputs.length), inputs);
  if (!report.ok) throw new Error(report.summary);
}

const unaryCases: Record<string, [(x: Tensor) => Tensor, (s: number[]) => fc.Arbitrary<Tensor>]> = {
  tanh: [tanh, (s) => vals(s, -3, 3)],
  sigmoid: [sigmoid, (s) => vals(s, -4, 4)],
  exp: [exp, (s) => vals(s)],
  log: [log, (s) => vals(s, 0.3, 3)],
  sqrt: [sqrt, (s) => vals(s, 0.3, 3)],
  reciprocal: [reciprocal, (s) => awayFromZero(s, 0.5)],
  sin: [sin, (s) => vals(s, -3, 3)],
  softplus: [softplus, (s) => vals(s, -3, 3)],
  softmax: [(x) => softmax(x), (s) => vals(s, -2, 2)],
  logSoftmax: [(x) => logSoftmax(x, 0), (s) => vals(s, -2, 2)],
  logsumexp: [(x) => logsumexp(x, -1), (s) => vals(s, -2, 2)],
  max: [(x) => max(x, 0), distinct],
};

describe('second-order gradients (Hessians against finite differences of the tape gradient)', () => {
  for (const [name, [f, values]] of Object.entries(unaryCases)) {
    it(name, () => {
      fc.assert(
        fc.property(small.chain(values), (x) => assertSecondOrder(f, [x])),
        { numRuns: runs },
      );
    });
  }

  const binaryCases: Record<string, [(a: Tensor, b: Tensor) => Tensor, (s: number[]) => fc.Arbitrary<Tensor>, (s: number[]) => fc.Arbitrary<Tensor>]> = {
    mul: [mul, vals, vals],
    div: [div, vals, (s) => awayFromZero(s, 0.5)],
    pow: [pow, (s) => vals(s, 0.5, 2), (s) => vals(s, -2, 2)],
  };
  for (const [name, [f, va, vb]] of Object.entries(binaryCases)) {
    it(`${name} (with broadcasting)`, () => {
      fc.assert(
        fc.property(
          broadcastableShapesArb(2, { maxRank: 2, maxDim: 3 }).chain(([sa, sb]) => fc.tuple(va(sa), vb(sb))),
          ([a, b]) => assertSecondOrder(f, [a, b]),
        ),
        { numRuns: runs },
      );
    });
  }

  it('matmul (all transpose flags)', () => {
    const dims = fc.integer({ min: 1, max: 3 });
    fc.assert(
      fc.property(
        fc.tuple(dims, dims, dims, fc.boolean(), fc.boolean()).chain(([m, k, n, ta, tb]) =>
          fc.tuple(vals(ta ? [k, m] : [m, k]), vals(tb ? [n, k] : [k, n]), fc.constant(ta), fc.constant(tb)),
        ),
        ([a, b, transA, transB]) => assertSecondOrder((x, y) => tanh(matmul(x, y, { transA, transB })), [a, b]),
      ),
      { numRuns: runs },
    );
  });

  it('gather, takeAlongAxis and where inside a non-linear function', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).chain(([n, m]) => fc.tuple(vals([n, m]), ints([4], n), ints([n, 1], m), mask([n, m]))),
        ([x, idx, along, cond]) => {
          assertSecondOrder((v) => exp(gather(v, idx, 0)), [x]);
          assertSecondOrder((v) => tanh(takeAlongAxis(mul(v, v), along, 1)), [x]);
          assertSecondOrder((v) => where(cond, sin(v), mul(v, v)), [x]);
        },
      ),
      { numRuns: runs },
    );
  });
});

describe('higher derivatives against closed forms', () => {
  const xs = tensor([-2.5, -1, -0.3, 0, 0.4, 1.2, 3], { dtype: 'float64' });
  const d = (f: (x: Tensor) => Tensor): ((x: Tensor) => Tensor) => grad((x: Tensor) => sum(f(x)));
  const at = (fn: (v: number) => number): number[] => Array.from(xs.data, fn);

  it('tanh: second and third derivatives', () => {
    const t = Math.tanh;
    expectClose(d(d(tanh))(xs), at((v) => -2 * t(v) * (1 - t(v) ** 2)), { rtol: 1e-12, atol: 1e-14 });
    expectClose(d(d(d(tanh)))(xs), at((v) => -2 * (1 - t(v) ** 2) * (1 - 3 * t(v) ** 2)), { rtol: 1e-12, atol: 1e-14 });
  });

  it('sigmoid: second derivative s(1−s)(1−2s)', () => {
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    expectClose(d(d(sigmoid))(xs), at((v) => s(v) * (1 - s(v)) * (1 - 2 * s(v))), { rtol: 1e-12, atol: 1e-14 });
  });

  it('exp: every derivative is exp', () => {
    expectClose(d(d(exp))(xs), at(Math.exp), { rtol: 1e-14, atol: 0 });
    expectClose(d(d(d(d(exp))))(xs), at(Math.exp), { rtol: 1e-14, atol: 0 });
  });

  it('mul: d²(xy)/dx dy = 1 and d²(x·x)/dx² = 2', () => {
    const x = tensor([1.5, -2], { dtype: 'float64' });
    const y = tensor([0.5, 3], { dtype: 'float64' });
    const dxdy = grad((b: Tensor) => sum(grad((a: Tensor, bb: Tensor) => sum(mul(a, bb)))(x, b)))(y);
    expect(dxdy.toFlatArray()).toEqual([1, 1]);
    expect(d(d((v) => mul(v, v)))(x).toFlatArray()).toEqual([2, 2]);
  });

  it('logsumexp: the Hessian-vector product is p⊙v − p(p·v)', () => {
    const x = tensor([0.3, -1.2, 2, 0.5], { dtype: 'float64' });
    const v = tensor([1, -2, 0.5, 3], { dtype: 'float64' });
    const m = Math.max(...x.data);
    const e = Array.from(x.data, (u) => Math.exp(u - m));
    const z = e.reduce((a, b) => a + b, 0);
    const p = e.map((u) => u / z);
    const pv = p.reduce((acc, pi, i) => acc + pi * v.data[i], 0);
    const expected = p.map((pi, i) => pi * v.data[i] - pi * pv);
    expectClose(hessianVectorProduct((u) => logsumexp(u), x, v), expected, { rtol: 1e-12, atol: 1e-15 });
    // …and the gradient of softmax's cross-entropy is the same quadratic form.
    const ce = (u: Tensor): Tensor => mul(-1, sum(mul(logSoftmax(u), tensor([0, 0, 1, 0], { dtype: 'float64' }))));
    expectClose(hessianVectorProduct(ce, x, v), expected, { rtol: 1e-12, atol: 1e-15 });
  });

  it('matmul: the Hessian of ½‖AB‖² along V is B Bᵀ-shaped: H·V = V B Bᵀ', () => {
    const rng = new Rng(3);
    const a = rng.normal([2, 3], { dtype: 'float64' });
    const b = rng.normal([3, 4], { dtype: 'float64' });
    const v = rng.normal([2, 3], { dtype: 'float64' });
    const hv = hessianVectorProduct((x) => mul(0.5, sum(mul(matmul(x, b), matmul(x, b)))), a, v);
    const bbt = matmul(b, b, { transB: true });
    expectClose(hv, matmul(v, bbt).data, { rtol: 1e-12, atol: 1e-14 });
    // the same against a naive triple loop, independent of matmul
    const naive = new Float64Array(6);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 3; k++) for (let l = 0; l < 4; l++) naive[i * 3 + j] += v.data[i * 3 + k] * b.data[k * 4 + l] * b.data[j * 4 + l];
    expectClose(hv, naive, { rtol: 1e-12, atol: 1e-14 });
  });

  it('softmax: d/dx of Σ softmax(x)·r twice equals finite differences of the first derivative', () => {
    const x = tensor([0.1, 0.7, -0.4], { dtype: 'float64' });
    const r = tensor([1, -1, 2], { dtype: 'float64' });
    const f = (u: Tensor): Tensor => sum(mul(softmax(u), r));
    const v = tensor([0.3, -0.2, 1], { dtype: 'float64' });
    // Two-point difference of the gradient with h = 1e-4: truncation error ~h²/6·|∂³g| ≈ 1e-9
    // and rounding ~1e-16/h = 1e-12, hence rtol 1e-7 (the 4th-order checks elsewhere use 1e-6
    // on the first derivative; this one is an independent, simpler cross-check).
    const h = 1e-4;
    const g = grad(f);
    const fd = Array.from(g(add(x, mul(v, h))).data, (gp, i) => (gp - g(add(x, mul(v, -h))).data[i]) / (2 * h));
    expectClose(hessianVectorProduct(f, x, v), fd, { rtol: 1e-7, atol: 1e-9 });
  });
});
