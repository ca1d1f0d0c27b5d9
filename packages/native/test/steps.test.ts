// A compiled loop's step bound into one native call (bindSteps) runs the same kernels on
// the same buffers as the step run call by call: forward values and gradients are equal
// bit for bit, in both dtypes, both directions, with and without masks.
import { afterEach, describe, expect, it } from 'vitest';
import {
  Rng, add, backend, compileLoop, matmul, mul, setBackend, sigmoid, sliceAxis, sum, tanh, valueAndGrad, where,
  type Backend, type LoopStep, type Tensor,
} from '@tapestry/core';
import { nativeBackend } from '../src/index.js';

const B = 5;
const H = 6;

// An LSTM step: a product, four gate slices (a scatter in the backward), fused
// element-wise chains and masks — every instruction has a command form.
const step: LoopStep = ([w, b], [h, c], [x, m]) => {
  const a = add(add(x, matmul(h, w, { transB: true })), b);
  const gate = (k: number): Tensor => sliceAxis(a, 1, k * H, (k + 1) * H);
  const cn = add(mul(sigmoid(gate(1)), c), mul(sigmoid(gate(0)), tanh(gate(2))));
  const hn = mul(sigmoid(gate(3)), tanh(cn));
  return { carry: [where(m, hn, h), where(m, cn, c)], ys: [mul(hn, m)] };
};

/** The native backend without the hook: every command is its own call. */
const unbound: Backend = { ...nativeBackend, name: 'native-unbound', bindSteps: undefined };

const previous = backend();
afterEach(() => setBackend(previous));

function runOn(be: Backend, dtype: 'float32' | 'float64', T: number, reverse: boolean): { summary: string; values: number[][] } {
  setBackend(be);
  const rng = new Rng(T * 2 + Number(reverse));
  const w = rng.normal([4 * H, H], { dtype });
  const b = rng.normal([4 * H], { dtype });
  const h0 = rng.normal([B, H], { dtype });
  const c0 = rng.normal([B, H], { dtype });
  const xs = rng.normal([B, T, 4 * H], { dtype });
  const masks = rng.bernoulli([B, T, 1], 0.7, dtype);
  const loop = compileLoop(step, {
    consts: [w, b].map((t) => ({ shape: t.shape, dtype })),
    carry: [h0, c0].map((t) => ({ shape: t.shape, dtype })),
    xs: [{ shape: [B, 4 * H], dtype }, { shape: [B, 1], dtype }],
    xsDifferentiable: [true, false],
  });
  const loss = (wt: Tensor, bt: Tensor, h: Tensor, c: Tensor, x: Tensor): Tensor => {
    const r = loop.run([wt, bt], [h, c], [x, masks], reverse);
    return [...r.carry, ...r.ys].map((o) => sum(mul(o, o))).reduce((p, q) => add(p, q));
  };
  const [value, grads] = valueAndGrad(loss, { argnums: [0, 1, 2, 3, 4] as const })(w, b, h0, c0, xs);
  return { summary: loop.summary, values: [value, ...grads].map((t) => Array.from(t.data)) };
}

describe.each(['float32', 'float64'] as const)('bound steps (%s)', (dtype) => {
  it.each([[1, false], [7, false], [7, true]] as const)('T=%i reverse=%s: values and gradients equal the unbound run bit for bit', (T, reverse) => {
    const bound = runOn(nativeBackend, dtype, T, reverse);
    const plain = runOn(unbound, dtype, T, reverse);
    // Both the forward and the backward step ran as one bound call.
    expect(bound.summary.match(/bound: one backend call/g)).toHaveLength(2);
    expect(plain.summary).not.toMatch(/bound/);
    expect(bound.values).toEqual(plain.values);
    expect(bound.values[0][0]).toBeGreaterThan(0);
  });
});

describe('bindSteps', () => {
  const dst = new Float32Array(4);
  const src = new Float32Array(8).fill(3);
  it('rejects a copy reaching outside its array, naming the problem', () => {
    expect(() => nativeBackend.bindSteps?.([{ kind: 'copy', src, srcStart: 6, srcStride: 0, dst, dstStart: 0, dstStride: 0, rows: 1, length: 4 }])).toThrow(
      /bindSteps: a command reaches outside its array/,
    );
  });
  it('runs copies and zero fills in order', () => {
    const run = nativeBackend.bindSteps?.([
      { kind: 'zero', dst },
      { kind: 'copy', src, srcStart: 0, srcStride: 4, dst, dstStart: 1, dstStride: 2, rows: 2, length: 1 },
    ]);
    dst.fill(9);
    run?.();
    expect(Array.from(dst)).toEqual([0, 3, 0, 3]);
  });
  it('declines a product with an integer operand (the caller runs it call by call)', () => {
    const core = nativeBackend;
    const i = { dtype: 'int32', rank: 2, shape: [1, 1], data: new Int32Array(1) } as unknown as Tensor;
    expect(core.bindSteps?.([{ kind: 'matmul', a: i, b: i, transA: false, transB: false, out: i, accumulate: false }])).toBeUndefined();
  });
});
