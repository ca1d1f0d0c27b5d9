import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Rng, ShapeError, ValueError, add, backend, gather, grad, jit, matmul, mul, reshape, setBackend, sigmoid, sliceAxis, softmax, sub, sum, tanh, tensor, type Tensor,
} from '../src/index.js';
import { propertyRuns } from '../src/testing/index.js';
import { backendsUnderTest } from './backends.js';

const d = 'float64' as const;
const initial = backend();
afterEach(() => {
  setBackend(initial);
});

/** Largest elementwise difference, relative above 1. */
function maxDifference(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]) / Math.max(1, Math.abs(b.data[i])));
  return worst;
}

interface Params {
  w: Tensor;
  u: Tensor;
  b: Tensor;
  table: Tensor;
}

// A gated recurrent step fed by an embedding lookup, returning a tree: every kind of
// planned instruction (products of a [B, 1, F] batch, fused element-wise chains, slices,
// a gather and a softmax as commands).
function gatedStep(p: Params, state: { h: Tensor }, tokens: Tensor): { state: { h: Tensor }; probs: Tensor[] } {
  const [B] = tokens.shape;
  const x = reshape(gather(p.table, tokens), [B, 1, p.table.shape[1]]);
  const pre = add(add(reshape(matmul(x, p.w, { transB: true }), [B, p.w.shape[0]]), matmul(state.h, p.u, { transB: true })), p.b);
  const H = state.h.shape[1];
  const z = sigmoid(sliceAxis(pre, 1, 0, H));
  const n = tanh(sliceAxis(pre, 1, H, 2 * H));
  const h = add(mul(z, state.h), mul(sub(1, z), n));
  return { state: { h }, probs: [softmax(h)] };
}

function draw(rng: Rng, B: number, H: number, F: number, V: number): { params: Params; h: Tensor; tokens: Tensor } {
  return {
    params: { w: rng.normal([2 * H, F], { dtype: d }), u: rng.normal([2 * H, H], { dtype: d }), b: rng.normal([2 * H], { dtype: d }), table: rng.normal([V, F], { dtype: d }) },
    h: rng.normal([B, H], { dtype: d }),
    tokens: tensor(Array.from({ length: B }, (_, i) => (i * 7 + H) % V), { dtype: 'int32' }),
  };
}

describe.each(backendsUnderTest.map((b) => [b.name, b] as const))('jit on the %s backend', (_name, be) => {
  it('agrees with the function run op by op, call after call, over random sizes (float64, 1e-12)', () => {
    setBackend(be);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 7 }), fc.integer({ min: 0, max: 1e6 }), (B, H, F, V, seed) => {
        const { params, h, tokens } = draw(new Rng(seed), B, H, F, V);
        const step = jit(gatedStep);
        let eager = { h };
        let compiled = { h };
        // Several calls: the carry changes every call, the parameters are the same tensors (not copied again).
        for (let t = 0; t < 3; t++) {
          const e = gatedStep(params, eager, tokens);
          const c = step(params, compiled, tokens);
          // Fused programs may evaluate a chain in a different association than op by op: 1e-12 relative.
          expect(maxDifference(c.state.h, e.state.h)).toBeLessThan(1e-12);
          expect(maxDifference(c.probs[0], e.probs[0])).toBeLessThan(1e-12);
          eager = e.state;
          compiled = c.state;
        }
        expect(step.explain(params, compiled, tokens)).toMatch(/^compiled: /);
      }),
      { numRuns: propertyRuns(12) },
    );
  });

  it('plans the gather and the softmax on its buffers, bound with the rest where the backend binds', () => {
    setBackend(be);
    const { params, h, tokens } = draw(new Rng(5), 3, 4, 2, 6);
    const step = jit(gatedStep);
    const how = step.explain(params, { h }, tokens);
    expect(how).not.toMatch(/other op/);
    if (be.bindSteps !== undefined) expect(how).toMatch(/\(bound: one backend call\)$/);
    // The bound gather checks its indices on every call, as the op does.
    step(params, { h }, tokens);
    expect(() => step(params, { h }, tensor([0, 6, 1], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => step(params, { h }, tensor([0, -1, 1], { dtype: 'int32' }))).toThrow(/^gather: index -1 is out of range \[0, 6\)$/);
  });
});

describe('jit', () => {
  const rng = new Rng(11);
  const { params, h, tokens } = draw(rng, 2, 3, 4, 5);

  it('uses new parameter tensors when they are passed (only an unchanged tensor is not copied again)', () => {
    const step = jit(gatedStep);
    const before = step(params, { h }, tokens).state.h;
    const changed = { ...params, u: mul(params.u, 2) };
    const after = step(changed, { h }, tokens).state.h;
    expect(maxDifference(after, gatedStep(changed, { h }, tokens).state.h)).toBeLessThan(1e-12);
    expect(maxDifference(before, after)).toBeGreaterThan(1e-3);
  });

  it('returns fresh tensors that later calls do not overwrite, even for an input passed through', () => {
    const step = jit((x: Tensor, y: Tensor) => [x, add(x, y)]);
    const x = tensor([1, 2], { dtype: d });
    const [same, first] = step(x, tensor([10, 20], { dtype: d }));
    const [, second] = step(x, tensor([100, 200], { dtype: d }));
    expect(same).not.toBe(x);
    expect([...same.data]).toEqual([1, 2]);
    expect([...first.data]).toEqual([11, 22]);
    expect([...second.data]).toEqual([101, 202]);
  });

  it('plans each signature once: shapes, dtypes and non-tensor arguments', () => {
    let traces = 0;
    const step = jit((x: Tensor, k: number) => {
      traces++;
      return mul(x, k);
    });
    expect([...step(tensor([1, 2], { dtype: d }), 3).data]).toEqual([3, 6]);
    expect([...step(tensor([4, 5], { dtype: d }), 3).data]).toEqual([12, 15]);
    expect(traces).toBe(1);
    expect([...step(tensor([4, 5], { dtype: d }), 2).data]).toEqual([8, 10]);
    expect([...step(tensor([4, 5, 6], { dtype: d }), 2).data]).toEqual([8, 10, 12]);
    expect([...step(tensor([4, 5], { dtype: 'float32' }), 2).data]).toEqual([8, 10]);
    expect(traces).toBe(4);
  });

  it('tells apart calls whose trees differ only in keys, and calls on another backend', () => {
    let traces = 0;
    const step = jit((t: Record<string, Tensor>) => {
      traces++;
      return 'a' in t ? mul(t.a, 2) : mul(t.b, 3);
    });
    const x = tensor([1, 2], { dtype: d });
    expect([...step({ a: x }).data]).toEqual([2, 4]);
    expect([...step({ b: x }).data]).toEqual([3, 6]);
    expect([...step({ a: x }).data]).toEqual([2, 4]);
    expect(traces).toBe(2);
    for (const be of backendsUnderTest) {
      setBackend(be);
      expect([...step({ b: x }).data]).toEqual([3, 6]);
    }
    expect(traces).toBe(1 + backendsUnderTest.length);
  });

  it('runs op by op under a tape, so gradients are those of the function itself', () => {
    const step = jit(gatedStep);
    const loss = (f: typeof gatedStep) => (p: Params) => sum(f(p, { h }, tokens).state.h);
    const viaJit = grad(loss(step))(params);
    const direct = grad(loss(gatedStep))(params);
    for (const k of ['w', 'u', 'b', 'table'] as const) expect(maxDifference(viaJit[k], direct[k])).toBe(0);
    expect(step.explain(params, { h }, tokens)).toMatch(/^compiled/);
  });

  it('runs a function that reads values op by op and says why', () => {
    const step = jit((x: Tensor) => (x.data[0] > 0 ? mul(x, 2) : x));
    expect([...step(tensor([1, 3], { dtype: d })).data]).toEqual([2, 6]);
    expect([...step(tensor([-1, 3], { dtype: d })).data]).toEqual([-1, 3]);
    expect(step.explain(tensor([1, 3], { dtype: d }))).toMatch(/^op by op: .*read the values/);
  });

  it('checks indices when the plan runs: an out-of-range token is a ShapeError, not a wrong read', () => {
    const step = jit(gatedStep);
    step(params, { h }, tokens);
    expect(() => step(params, { h }, tensor([0, 5], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => step(params, { h }, tensor([0, 5], { dtype: 'int32' }))).toThrow(/gather: index 5 is out of range \[0, 5\)/);
  });

  it('rejects an argument that is not a tree of tensors and plain values, naming where it is', () => {
    const step = jit((x: { a: Tensor; f: () => void }) => x.a);
    expect(() => step({ a: tensor([1]), f: () => {} })).toThrow(ValueError);
    expect(() => step({ a: tensor([1]), f: () => {} })).toThrow(/jit: argument\.0\.f is a function/);
  });
});
