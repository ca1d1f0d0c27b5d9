import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import {
  GradientError,
  Rng,
  Tape,
  add,
  backward,
  cos,
  exp,
  grad,
  hessianVectorProduct,
  isRecording,
  matmul,
  mean,
  mul,
  noGrad,
  ones,
  record,
  sin,
  square,
  stopGradient,
  sub,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  valueAndGradWithAux,
  vjp,
  withTape,
  zeros,
  type Tensor,
} from '../src/index.js';
import { propertyRuns } from '../src/testing/index.js';
import { expectClose } from './helpers.js';

const f64 = (data: number[] | number[][], shape?: number[]): Tensor => tensor(data, { dtype: 'float64', shape });

describe('grad and valueAndGrad', () => {
  it('grad of Σx² is 2x', () => {
    expectClose(grad((x: Tensor) => sum(square(x)))(f64([1, -2, 3])), [2, -4, 6]);
  });

  it('valueAndGrad returns f(x) and the gradient', () => {
    const [value, g] = valueAndGrad((x: Tensor) => sum(exp(x)))(f64([0, 1]));
    expectClose(value, [1 + Math.E]);
    expectClose(g, [1, Math.E]);
  });

  it('argnums as a number picks one argument', () => {
    const f = (x: Tensor, y: Tensor): Tensor => sum(mul(x, square(y)));
    const [, gy] = valueAndGrad(f, { argnums: 1 })(f64([2, 3]), f64([5, 7]));
    expectTypeOf(gy).toEqualTypeOf<Tensor>();
    expectClose(gy, [2 * 2 * 5, 2 * 3 * 7]);
  });

  it('argnums as an array returns a tuple of gradients, each shaped like its argument', () => {
    const f = (x: Tensor, c: number, p: { w: Tensor; b: Tensor[] }): Tensor => sum(add(mul(x, p.w), mul(p.b[0], c)));
    const params = { w: f64([1, 2]), b: [f64([3])] };
    const [value, [gx, gp]] = valueAndGrad(f, { argnums: [0, 2] })(f64([10, 20]), 4, params);
    expectTypeOf(gp).toEqualTypeOf<{ w: Tensor; b: Tensor[] }>();
    expectClose(value, [10 + 40 + 2 * 12]);
    expectClose(gx, [1, 2]);
    expectClose(gp.w, [10, 20]);
    expectClose(gp.b[0], [8]);
  });

  it('keeps the parameter tree structure, including null entries', () => {
    const p = { layers: [{ w: f64([1]) }, { w: f64([2]) }], bias: null };
    const g = grad((q: typeof p) => sum(mul(q.layers[0].w, q.layers[1].w)))(p);
    expect(g.bias).toBeNull();
    expectClose(g.layers[0].w, [2]);
    expectClose(g.layers[1].w, [1]);
  });

  it('a tensor that appears at several leaves gets its total gradient at each (tied weights)', () => {
    const w = f64([3]);
    const g = grad((p: { a: Tensor; b: Tensor }) => sum(mul(p.a, p.b)))({ a: w, b: w });
    expectClose(g.a, [6]);
    expectClose(g.b, [6]);
  });

  it('gives zeros for arguments the value does not depend on', () => {
    const g = grad((x: Tensor, y: Tensor) => sum(y), { argnums: [0, 1] })(f64([1, 2]), f64([3]));
    expect(g[0].toFlatArray()).toEqual([0, 0]);
    expect(g[1].toFlatArray()).toEqual([1]);
  });

  it('works in float32', () => {
    const g = grad((x: Tensor) => sum(tanh(x)))(tensor([0.5]));
    expect(g.dtype).toBe('float32');
    expect(g.item()).toBeCloseTo(1 - Math.tanh(0.5) ** 2, 6);
  });

  it('valueAndGradWithAux returns the auxiliary value untouched', () => {
    const aux = { note: 'predictions', t: f64([1]) };
    const f = (x: Tensor): readonly [Tensor, typeof aux] => [sum(mul(x, x)), aux];
    const [[value, a], g] = valueAndGradWithAux(f)(f64([3]));
    expect(a).toBe(aux);
    expectClose(value, [9]);
    expectClose(g, [6]);
    const [[, a2], [g0, g1]] = valueAndGradWithAux((x: Tensor, y: Tensor) => [sum(mul(x, y)), 7] as const, { argnums: [0, 1] })(f64([2]), f64([5]));
    expect(a2).toBe(7);
    expectClose(g0, [5]);
    expectClose(g1, [2]);
  });
});

describe('vjp', () => {
  it('pulls a tree of output cotangents back to every primal, repeatedly', () => {
    const f = (x: Tensor, y: Tensor): { a: Tensor; b: Tensor[] } => ({ a: tanh(x), b: [mul(x, y)] });
    const x = f64([0.3, -0.7]);
    const y = f64([2, 5]);
    const [out, pullback] = vjp(f, x, y);
    expectClose(out.a, [Math.tanh(0.3), Math.tanh(-0.7)]);
    const ct = { a: f64([1, 2]), b: [f64([10, 100])] };
    for (let rep = 0; rep < 2; rep++) {
      const [gx, gy] = pullback(ct);
      expectClose(gx, [1 * (1 - Math.tanh(0.3) ** 2) + 10 * 2, 2 * (1 - Math.tanh(-0.7) ** 2) + 100 * 5], { rtol: 1e-14 });
      expectClose(gy, [10 * 0.3, 100 * -0.7], { rtol: 1e-14 });
    }
  });

  it('rejects cotangents of the wrong structure or shape', () => {
    const [, pullback] = vjp((x: Tensor) => [x, mul(x, 2)], f64([1, 2]));
    expect(() => pullback([f64([1, 1])])).toThrow(GradientError);
    expect(() => pullback([f64([1, 1]), f64([1])])).toThrow("vjp: cotangent at '1' is float64 [1], output is float64 [2]");
  });
});

/**
 * A tanh recurrence h_t = tanh(h_{t−1}·W + x_t·U), t = 1..T, with the loss
 * L = Σ_t ⟨c_t, h_t⟩, and its backward recurrence derived by hand:
 *   δ_T = c_T,   δ_t = c_t + (δ_{t+1} ⊙ (1 − h_{t+1}²)) Wᵀ,
 *   ∂L/∂W = Σ_t h_{t−1}ᵀ (δ_t ⊙ (1 − h_t²)).
 */
describe('record: gradients with respect to intermediates (per-step hidden states)', () => {
  const H = 3, I = 2, T = 5;
  const rng = new Rng(11);
  const W = rng.normal([H, H], { dtype: 'float64', std: 0.8 });
  const U = rng.normal([I, H], { dtype: 'float64' });
  const xs = Array.from({ length: T }, () => rng.normal([1, I], { dtype: 'float64' }));
  const cs = Array.from({ length: T }, () => rng.normal([1, H], { dtype: 'float64' }));
  const h0 = rng.normal([1, H], { dtype: 'float64', std: 0.5 });

  const run = (): { loss: Tensor; hs: Tensor[] } => {
    const hs: Tensor[] = [];
    let h = h0;
    let loss: Tensor = zeros([], 'float64');
    for (let t = 0; t < T; t++) {
      h = tanh(add(matmul(h, W), matmul(xs[t], U)));
      hs.push(h);
      loss = add(loss, sum(mul(cs[t], h)));
    }
    return { loss, hs };
  };

  /** The hand-derived backward recurrence, on plain arrays. */
  const handDerived = (hs: Tensor[]): { deltas: number[][]; dW: number[] } => {
    const h = hs.map((t) => Array.from(t.data));
    const deltas: number[][] = new Array<number[]>(T);
    deltas[T - 1] = Array.from(cs[T - 1].data);
    for (let t = T - 2; t >= 0; t--) {
      const next = deltas[t + 1].map((d, j) => d * (1 - h[t + 1][j] ** 2));
      deltas[t] = Array.from({ length: H }, (_, i) => cs[t].data[i] + next.reduce((acc, v, j) => acc + v * W.data[i * H + j], 0));
    }
    const dW = new Array<number>(H * H).fill(0);
    for (let t = 0; t < T; t++) {
      const prev = t === 0 ? Array.from(h0.data) : h[t - 1];
      const local = deltas[t].map((d, j) => d * (1 - h[t][j] ** 2));
      for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) dW[i * H + j] += prev[i] * local[j];
    }
    return { deltas, dW };
  };

  it('∂L/∂h_t for every step matches the hand-derived recurrence', () => {
    const rec = record(run);
    const { loss, hs } = rec.value;
    const perStep = rec.gradient(loss, hs);
    const { deltas, dW } = handDerived(hs);
    perStep.forEach((g, t) => expectClose(g, deltas[t], { rtol: 1e-13, atol: 1e-15 }));
    expectClose(rec.gradient(loss, W), dW, { rtol: 1e-13, atol: 1e-15 });
    // The handle can be asked again, for other targets, and for another value.
    expectClose(rec.gradient(loss, { w: W, last: hs[T - 1] }).last, deltas[T - 1], { rtol: 1e-13 });
    const seed = tensor([[1, 0, 0]], { dtype: 'float64' });
    const dh3dh1 = rec.gradient(hs[2], hs[0], seed);
    const h = hs.map((t) => Array.from(t.data));
    // ∂h_3[0]/∂h_1 = ((e_0 ⊙ (1 − h_3²)) Wᵀ ⊙ (1 − h_2²)) Wᵀ
    const step = (v: number[], t: number): number[] => {
      const local = v.map((d, j) => d * (1 - h[t][j] ** 2));
      return Array.from({ length: H }, (_, i) => local.reduce((acc, u, j) => acc + u * W.data[i * H + j], 0));
    };
    expectClose(dh3dh1, step(step([1, 0, 0], 2), 1), { rtol: 1e-13, atol: 1e-15 });
  });

  it('with watch, only ops downstream of the watched tensors are recorded', () => {
    const rec = record(run, { watch: { W } });
    const { loss, hs } = rec.value;
    expectClose(rec.gradient(loss, W), handDerived(hs).dW, { rtol: 1e-13, atol: 1e-15 });
    // xs and U are not watched and x_t·U is not downstream of W: no gradient reaches U.
    expect(rec.gradient(loss, U).toFlatArray()).toEqual(new Array<number>(I * H).fill(0));
  });

  it('needs a seed for a non-scalar value and checks its shape', () => {
    const rec = record(run);
    expect(() => rec.gradient(rec.value.hs[0], W)).toThrow(/pass a seed cotangent/);
    expect(() => rec.gradient(rec.value.hs[0], W, ones([3], 'float64'))).toThrow('record.gradient: seed float64 [3] differs from value float64 [1,3]');
    expect(() => rec.gradient(rec.value.hs[0], W, ones([1, 3]))).toThrow(/seed float32 \[1,3\] differs/);
  });

  it('can differentiate a gradient computed during the recording', () => {
    const x = f64([0.2, 1.1]);
    const rec = record(() => sum(grad((v: Tensor) => sum(sin(v)))(x)));
    // d/dx Σ cos(x) = −sin(x)
    expectClose(rec.gradient(rec.value, x), [-Math.sin(0.2), -Math.sin(1.1)], { rtol: 1e-14 });
  });
});

describe('noGrad, stopGradient, isRecording', () => {
  it('noGrad records nothing on the active tapes', () => {
    const x = f64([1, 2]);
    const tape = new Tape();
    tape.watch(x);
    withTape(tape, () => {
      expect(isRecording()).toBe(true);
      mul(x, 2);
      noGrad(() => {
        expect(isRecording()).toBe(false);
        mul(x, 3);
        exp(x);
      });
    });
    expect(tape.entries.map((e) => e.spec.name)).toEqual(['mul']);
    expect(isRecording()).toBe(false);
  });

  it('values computed under noGrad are constants for the gradient', () => {
    const g = grad((x: Tensor) => sum(mul(noGrad(() => mul(x, x)), x)))(f64([3]));
    expectClose(g, [9]);
  });

  it('a transform run inside noGrad still differentiates (its own tape records)', () => {
    const g = noGrad(() => grad((x: Tensor) => sum(mul(x, x)))(f64([3])));
    expectClose(g, [6]);
    const x = f64([2]);
    const rec = noGrad(() => record(() => sum(square(x))));
    expectClose(rec.gradient(rec.value, x), [4]);
  });

  it('stopGradient blocks the gradient but keeps the value', () => {
    const x = f64([2, -1]);
    const s = stopGradient(x);
    expect(s.data).toBe(x.data);
    expectClose(grad((v: Tensor) => sum(mul(stopGradient(v), v)))(x), [2, -1]);
    expectClose(grad((v: Tensor) => sum(stopGradient(mul(v, v))))(x), [0, 0]);
  });

  it('a long-lived tape that records rarely still tracks everything it recorded', () => {
    const x = f64([0.5]);
    const tape = new Tape();
    tape.watch(x);
    const y = withTape(tape, () => {
      const a = mul(x, 2);
      for (let i = 0; i < 200_000; i++) zeros([0]); // ids advance far beyond the first output
      return mul(sin(a), 3);
    });
    expect(tape.tracks(y)).toBe(true);
    expectClose(backward(tape, [y], [f64([1])], [x])[0], [6 * Math.cos(1)], { rtol: 1e-14 });
  });

  it('a Tape used directly with withTape and backward', () => {
    const x = f64([0.5]);
    const tape = new Tape();
    tape.watch(x);
    const y = withTape(tape, () => mul(sin(x), 2));
    const [gx] = backward(tape, [y], [f64([1])], [x]);
    expectClose(gx, [2 * Math.cos(0.5)]);
    expect(tape.entries.length).toBe(2);
  });
});

describe('the reverse sweep does no wasted work', () => {
  it('computes no cotangent for constant inputs (the input projection of an RNN)', () => {
    const x = f64([[1, 2]]);
    const W = f64([[0.5], [0.25]]);
    const outer = new Tape(true); // records everything, including the sweep's own ops
    const g = withTape(outer, () => grad((w: Tensor) => sum(matmul(x, w)))(W));
    expectClose(g, [1, 2]);
    // one matmul forward and one for ∂W — none for ∂x, which nobody asked for
    expect(outer.entries.filter((e) => e.spec.name === 'matmul').length).toBe(2);
  });

  it('skips entries none of whose inputs the gradient can reach', () => {
    const x = f64([1, 2]);
    const c = f64([3, 4]);
    const outer = new Tape(true);
    withTape(outer, () => grad((v: Tensor) => sum(mul(v, exp(c))))(x));
    // exp(c) is recorded by the outer tape but its backward rule never runs
    expect(outer.entries.map((e) => e.spec.name).filter((n) => n === 'exp').length).toBe(1);
  });

  it('shares the scalar tensors made from plain numbers', () => {
    const x = f64([1, 2]);
    const tape = new Tape(true);
    withTape(tape, () => [mul(x, 0.5), mul(x, 0.5), mul(tensor([1]), 0.1)]);
    const [a, b, c] = tape.entries;
    expect(a.inputs[1]).toBe(b.inputs[1]);
    expect(a.inputs[1].data[0]).toBe(0.5);
    expect(c.inputs[1].dtype).toBe('float32');
    expect(c.inputs[1].data[0]).toBe(Math.fround(0.1));
    expect(mul(f64([1]), -0).data[0]).toBe(-0);
    expect(Object.is(mul(f64([1]), 0).data[0], 0)).toBe(true);
  });
});

describe('nested derivatives and Hessian-vector products', () => {
  it('grad of grad of x³ is 6x; of sin is −sin', () => {
    const x = f64([-1.5, 0.5, 2]);
    const d2 = grad((v: Tensor) => sum(grad((u: Tensor) => sum(mul(u, mul(u, u))))(v)))(x);
    expectClose(d2, [-9, 3, 12], { rtol: 1e-14 });
    const d2sin = grad((v: Tensor) => sum(grad((u: Tensor) => sum(sin(u)))(v)))(x);
    expectClose(d2sin, Array.from(x.data, (v) => -Math.sin(v)), { rtol: 1e-14 });
    // a closure over the outer variable: d/dy [∂/∂x (x·y)²] at x = 2, y = 3 is 4xy = 24
    const y = f64([3]);
    const mixed = grad((yy: Tensor) => sum(grad((xx: Tensor) => sum(square(mul(xx, yy))))(f64([2]))))(y);
    expectClose(mixed, [24]);
  });

  it('hessianVectorProduct agrees with finite differences of the gradient', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }), (n, m, seed) => {
        const rng = new Rng(seed);
        const W = rng.normal([n, m], { dtype: 'float64' });
        const x = rng.normal([2, n], { dtype: 'float64' });
        const v = rng.normal([2, n], { dtype: 'float64' });
        const f = (u: Tensor): Tensor => add(mean(square(tanh(matmul(u, W)))), sum(mul(cos(u), 0.1)));
        const g = grad(f);
        // Fourth-order central difference of the gradient along v, h = 1e-3 (errors ~1e-12).
        const h = 1e-3;
        const at = (s: number): Float64Array => g(add(x, mul(v, s * h))).data as Float64Array;
        const fd = Array.from(at(1), (_, i) => (at(-2)[i] - 8 * at(-1)[i] + 8 * at(1)[i] - at(2)[i]) / (12 * h));
        expectClose(hessianVectorProduct(f, x, v), fd, { rtol: 1e-7, atol: 1e-9 });
      }),
      { numRuns: propertyRuns(15) },
    );
  });

  it('sub and mean have constant Hessians (zero and zero)', () => {
    const x = f64([1, 2, 3]);
    expectClose(hessianVectorProduct((u) => mean(sub(u, 1)), x, f64([1, 1, 1])), [0, 0, 0]);
  });
});

describe('record.gradient on a value computed outside the recording', () => {
  it('throws instead of returning zeros', async () => {
    const { record, sum, tanh, tensor } = await import('../src/index.js');
    const x = tensor([0.3, -0.2], { dtype: 'float64' });
    const rec = record(() => tanh(x), { watch: x });
    const outside = sum(rec.value);
    expect(() => rec.gradient(outside, x)).toThrow(/not computed inside the recording/);
    const inside = record(() => sum(tanh(x)), { watch: x });
    expect(inside.gradient(inside.value, x).data[0]).toBeCloseTo(1 - Math.tanh(0.3) ** 2, 15);
  });
});

describe('cotangent accumulation', () => {
  it('sums many uses of one tensor without disturbing cotangents that pass through', async () => {
    const { add, mul, record, sum, tensor } = await import('../src/index.js');
    const W = tensor([1, 2, 3], { dtype: 'float64' });
    const [a, b, c] = [tensor([0.5, 1, 2], { dtype: 'float64' }), tensor([-1, 3, 0.25], { dtype: 'float64' }), tensor([4, -2, 1], { dtype: 'float64' })];
    const rec = record(
      () => {
        const y = add(W, 0); // add's rule hands the incoming cotangent through unchanged
        let loss = sum(mul(W, c));
        for (let k = 0; k < 4; k++) loss = add(loss, add(sum(mul(y, a)), sum(mul(y, b))));
        return { y, loss };
      },
      { watch: W },
    );
    const [dy, dW] = rec.gradient(rec.value.loss, [rec.value.y, W]);
    // dL/dy = 4(a + b); dL/dW = dL/dy + c.
    expect(Array.from(dy.data)).toEqual([-2, 16, 9]);
    expect(Array.from(dW.data)).toEqual([2, 14, 10]);
    // A second sweep over the same tape gives the same numbers (nothing was consumed in place).
    const [dy2, dW2] = rec.gradient(rec.value.loss, [rec.value.y, W]);
    expect(Array.from(dy2.data)).toEqual([-2, 16, 9]);
    expect(Array.from(dW2.data)).toEqual([2, 14, 10]);
  });
});
