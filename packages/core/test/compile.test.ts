import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  Rng, TraceError, add, compileLoop, concat, eagerLoop, exp, grad, matmul, mul, onesLike, sigmoid, sliceAxis, softmax, sub, sum, tanh, traceFunction,
  Tape, backward, record, valueAndGrad, vjp, where, greater, withTape, type LoopStep, type Tensor,
} from '../src/index.js';
import type { SlabPool } from '../src/compile/slab-pool.js';
import { propertyRuns } from '../src/testing/index.js';

const d = 'float64' as const;

function maxDifference(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]) / Math.max(1, Math.abs(b.data[i])));
  return worst;
}

describe('traceFunction', () => {
  it('records registered ops on symbolic tensors: names, shapes, constants', () => {
    const g = traceFunction(([x, w]) => [tanh(add(matmul(x, w, { transB: true }), 1))], [{ shape: [2, 3], dtype: d }, { shape: [4, 3], dtype: d }]);
    expect(g.nodes.map((n) => n.spec.name)).toEqual(['matmul', 'add', 'tanh']);
    expect(g.values[g.outputs[0]].shape).toEqual([2, 4]);
    const scalar = g.values[g.nodes[1].inputs[1]];
    expect(scalar.constant?.item()).toBe(1);
  });

  it('throws a TraceError when the function reads values or draws random numbers', () => {
    const spec = [{ shape: [2], dtype: d }];
    expect(() => traceFunction(([x]) => [x.item() > 0 ? x : mul(x, 2)], [{ shape: [1], dtype: d }])).toThrow(TraceError);
    expect(() => traceFunction(([x]) => [x.data[0] > 0 ? x : mul(x, 2)], spec)).toThrow(/read the values/);
    const rng = new Rng(0);
    expect(() => traceFunction(([x]) => [mul(x, rng.normal([2], { dtype: d }))], spec)).toThrow(/random/);
  });
});

// A step with every kind of planned instruction: fused element-wise chains, products,
// slices (and their pads in the backward), a [B, 1] value broadcast over features, and
// ops run through their own forward (concat, softmax, sum).
const B = 3;
const H = 4;
const step: LoopStep = ([w, b], [h, c], [x, m]) => {
  const a = add(add(x, matmul(h, w, { transB: true })), b);
  const i = sigmoid(sliceAxis(a, 1, 0, H));
  const g = tanh(sliceAxis(a, 1, H, 2 * H));
  const cn = add(mul(c, softmax(sliceAxis(a, 1, 2 * H, 3 * H), 1)), mul(i, g));
  const scale = sum(mul(cn, cn), 1, true); // [B, 1]
  const hn = mul(tanh(cn), sigmoid(sub(sliceAxis(a, 1, 3 * H, 4 * H), scale)));
  const y = concat([where(greater(hn, 0), hn, exp(hn)), cn], 1);
  return { carry: [where(m, hn, h), where(m, cn, c)], ys: [mul(y, m)] };
};

describe('compileLoop', () => {
  it('runs a loop forward and backward as the op-by-op loop does (float64, 1e-12), both directions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.boolean(), (T, seed, reverse) => {
        const rng = new Rng(seed);
        const w = rng.normal([4 * H, H], { dtype: d });
        const b = rng.normal([4 * H], { dtype: d });
        const h0 = rng.normal([B, H], { dtype: d });
        const c0 = rng.normal([B, H], { dtype: d });
        const xs = rng.normal([B, T, 4 * H], { dtype: d });
        const masks = rng.bernoulli([B, T, 1], 0.7, d);
        const loop = compileLoop(step, {
          consts: [w, b].map((t) => ({ shape: t.shape, dtype: d })),
          carry: [h0, c0].map((t) => ({ shape: t.shape, dtype: d })),
          xs: [{ shape: [B, 4 * H], dtype: d }, { shape: [B, 1], dtype: d }],
          xsDifferentiable: [true, false],
        });
        const weights = [rng.normal([B, H], { dtype: d }), rng.normal([B, H], { dtype: d }), rng.normal([B, T, 2 * H], { dtype: d })];
        const loss = (outs: Tensor[]): Tensor => outs.map((o, k) => sum(mul(o, weights[k]))).reduce((p, q) => add(p, q));
        const compiled = (w: Tensor, b: Tensor, h: Tensor, c: Tensor, x: Tensor) => {
          const r = loop.run([w, b], [h, c], [x, masks], reverse);
          return loss([...r.carry, ...r.ys]);
        };
        const eager = (w: Tensor, b: Tensor, h: Tensor, c: Tensor, x: Tensor) => loss(eagerLoop(step, [w, b], [h, c], [x, masks], reverse));
        const argnums = [0, 1, 2, 3, 4] as const;
        const [lc, gc] = valueAndGrad(compiled, { argnums })(w, b, h0, c0, xs);
        const [le, ge] = valueAndGrad(eager, { argnums })(w, b, h0, c0, xs);
        expect(maxDifference(lc, le)).toBeLessThanOrEqual(1e-12);
        gc.forEach((g, k) => expect(maxDifference(g, ge[k]), `gradient ${k}`).toBeLessThanOrEqual(1e-12));
      }),
      { numRuns: propertyRuns(15) },
    );
  });

  it('differentiates its backward op by op when an outer tape records it (second derivatives)', () => {
    const rng = new Rng(7);
    const w = rng.normal([4 * H, H], { dtype: d });
    const b = rng.normal([4 * H], { dtype: d });
    const h0 = rng.normal([B, H], { dtype: d });
    const c0 = rng.normal([B, H], { dtype: d });
    const xs = rng.normal([B, 3, 4 * H], { dtype: d });
    const masks = rng.bernoulli([B, 3, 1], 0.7, d);
    const loop = compileLoop(step, {
      consts: [w, b].map((t) => ({ shape: t.shape, dtype: d })),
      carry: [h0, c0].map((t) => ({ shape: t.shape, dtype: d })),
      xs: [{ shape: [B, 4 * H], dtype: d }, { shape: [B, 1], dtype: d }],
    });
    const v = rng.normal(w.shape, { dtype: d });
    // ⟨∂L/∂w, v⟩ differentiated again: the compiled run's backward is taken while the
    // outer `grad` records, so it must run op by op for the outer tape to see it.
    const directional = (run: (w: Tensor) => Tensor[]) => (wt: Tensor) => {
      const [outs, pullback] = vjp(run, wt);
      const [gw] = pullback(outs.map(onesLike));
      return sum(mul(gw, v));
    };
    const compiledRun = (wt: Tensor) => {
      const r = loop.run([wt, b], [h0, c0], [xs, masks]);
      return [...r.carry, ...r.ys];
    };
    const eagerRun = (wt: Tensor) => eagerLoop(step, [wt, b], [h0, c0], [xs, masks], false);
    const hc = grad(directional(compiledRun))(w);
    const he = grad(directional(eagerRun))(w);
    expect(maxDifference(hc, he)).toBeLessThanOrEqual(1e-12);
    // and it is not trivially zero
    expect(Math.max(...Array.from(hc.data, Math.abs))).toBeGreaterThan(1e-3);
  });

  it('reuses a run\'s stored values only once grad has discarded its tape, never a recording\'s', () => {
    const rng = new Rng(11);
    const w = rng.normal([4 * H, H], { dtype: d });
    const b = rng.normal([4 * H], { dtype: d });
    const h0 = rng.normal([B, H], { dtype: d });
    const c0 = rng.normal([B, H], { dtype: d });
    const loop = compileLoop(step, {
      consts: [w, b].map((t) => ({ shape: t.shape, dtype: d })),
      carry: [h0, c0].map((t) => ({ shape: t.shape, dtype: d })),
      xs: [{ shape: [B, 4 * H], dtype: d }, { shape: [B, 1], dtype: d }],
      xsDifferentiable: [true, false],
    });
    const allocations = vi.spyOn((loop as unknown as { pool: SlabPool }).pool as unknown as { allocate: (T: number) => unknown }, 'allocate');
    const masks = rng.bernoulli([B, 4, 1], 0.7, d);
    const inputsOf = (seed: number) => new Rng(seed).normal([B, 4, 4 * H], { dtype: d });
    const lossOf = (run: (w: Tensor, x: Tensor) => Tensor[]) => (wt: Tensor, x: Tensor) => run(wt, x).map((o) => sum(mul(o, o))).reduce((p, q) => add(p, q));
    const compiled = lossOf((wt, x) => {
      const r = loop.run([wt, b], [h0, c0], [x, masks]);
      return [...r.carry, ...r.ys];
    });
    const eager = lossOf((wt, x) => eagerLoop(step, [wt, b], [h0, c0], [x, masks], false));
    const check = (x: Tensor): void => {
      const [gc] = grad(compiled, { argnums: [0, 1] })(w, x);
      const [ge] = grad(eager, { argnums: [0, 1] })(w, x);
      expect(maxDifference(gc, ge)).toBeLessThanOrEqual(1e-12);
    };
    check(inputsOf(1));
    expect(allocations).toHaveBeenCalledTimes(1);
    // The recording takes the set grad handed back and keeps it: the next runs allocate
    // one set of their own and then reuse it.
    const kept = inputsOf(2);
    const rec = record(() => compiled(w, kept), { watch: w });
    check(inputsOf(3));
    check(inputsOf(4));
    check(inputsOf(5));
    expect(allocations).toHaveBeenCalledTimes(2);
    const [ge] = grad(eager, { argnums: [0, 1] })(w, kept);
    expect(maxDifference(rec.gradient(rec.value, w), ge)).toBeLessThanOrEqual(1e-12);
    // Discarding the recording hands its set back: the next runs need no new one.
    rec.discard();
    expect(() => rec.gradient(rec.value, w)).toThrow(/discarded/);
    check(inputsOf(6));
    check(inputsOf(7));
    expect(allocations).toHaveBeenCalledTimes(2);
    // A discarded tape cannot be swept again (its runs' buffers may belong to others now).
    const tape = new Tape();
    tape.watch(w);
    const value = withTape(tape, () => compiled(w, kept));
    tape.discard();
    expect(() => backward(tape, [value], [onesLike(value)], [w])).toThrow(/discarded/);
  });
});
