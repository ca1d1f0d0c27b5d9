// A compiled loop bound into native calls (bindSteps) — each step one call, and each run's
// whole forward loop and reverse sweep one call — runs the same kernels on the same
// buffers as the loop run call by call: forward values, exposed states and gradients are
// equal bit for bit, in both dtypes and both directions.
import { afterEach, describe, expect, it } from 'vitest';
import {
  Rng, ShapeError, Tensor, add, backend, compileLoop, runStepCommand, matmul, mul, setBackend, sigmoid, sliceAxis, sum, tanh, valueAndGrad, where,
  type Backend, type LoopStep, type StepCommand,
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
  return { carry: [where(m, hn, h), where(m, cn, c)], ys: [mul(hn, m)], exposed: [hn] };
};

/** The native backend without the hook: every command is its own call. */
const unbound: Backend = { ...nativeBackend, name: 'native-unbound', bindSteps: undefined };

/** The native backend, recording the step count of every binding. */
const bindings: number[] = [];
const counting: Backend = {
  ...nativeBackend,
  bindSteps: (commands, steps) => {
    bindings.push(steps);
    return nativeBackend.bindSteps?.(commands, steps);
  },
};

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
    // Each exposed state weighted by its step, so every step's direct cotangent differs.
    const exposed = r.exposed.map(([e], s) => mul(sum(e), s + 1));
    return [...r.carry, ...r.ys].map((o) => sum(mul(o, o))).concat(exposed).reduce((p, q) => add(p, q));
  };
  const [value, grads] = valueAndGrad(loss, { argnums: [0, 1, 2, 3, 4] as const })(w, b, h0, c0, xs);
  return { summary: loop.summary, values: [value, ...grads].map((t) => Array.from(t.data)) };
}

describe.each(['float32', 'float64'] as const)('bound steps (%s)', (dtype) => {
  it.each([[1, false], [7, false], [7, true]] as const)('T=%i reverse=%s: values and gradients equal the unbound run bit for bit', (T, reverse) => {
    bindings.length = 0;
    const bound = runOn(counting, dtype, T, reverse);
    // One binding per step plan (1 step), then the run's forward loop and reverse sweep (T steps each).
    expect(bindings).toEqual([1, 1, T, T]);
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
    expect(() => nativeBackend.bindSteps?.([{ kind: 'copy', src, srcStart: 6, srcStride: 0, dst, dstStart: 0, dstStride: 0, rows: 1, length: 4 }], 1)).toThrow(
      /bindSteps: a command reaches outside its array/,
    );
  });
  it('broadcasts a column as runStepCommand does', () => {
    const col = Float32Array.from([1, 2, 3]);
    const wide = new Float32Array(6), reference = new Float32Array(6);
    const command = { kind: 'broadcast', src: col, srcShape: [3, 1], dst: wide, dstShape: [3, 2] } as const;
    nativeBackend.bindSteps?.([command], 1)?.(0, 1, 0);
    runStepCommand({ ...command, dst: reference }, 0, nativeBackend);
    expect(Array.from(wide)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(Array.from(reference)).toEqual(Array.from(wide));
  });
  it('gathers and softmaxes as runStepCommand does, bit for bit, and checks indices at every run', () => {
    const rng = new Rng(31);
    const table = rng.normal([2, 5, 3]); // gather along the middle axis
    const indices = Int32Array.from([4, 0, 4]);
    const picked = new Float32Array(2 * 3 * 3), reference = new Float32Array(18);
    const gather = { kind: 'gather', op: 'gather', table: table.data, indices, dst: picked, outer: 2, size: 5, inner: 3 } as const;
    const logits = rng.normal([3, 7], { std: 4 });
    const probs = new Tensor([3, 7], new Float32Array(21)), probsRef = new Tensor([3, 7], new Float32Array(21));
    const softmax = { kind: 'softmax', src: logits, dst: probs, log: false } as const;
    const run = nativeBackend.bindSteps?.([gather, softmax], 1);
    expect(run).toBeDefined();
    run?.(0, 1, 0);
    runStepCommand({ ...gather, dst: reference }, 0, nativeBackend);
    runStepCommand({ ...softmax, dst: probsRef }, 0, nativeBackend);
    expect(Array.from(picked)).toEqual(Array.from(reference));
    expect(Array.from(picked.subarray(0, 3))).toEqual(Array.from(table.data.subarray(12, 15)));
    expect(Array.from(probs.data)).toEqual(Array.from(probsRef.data));
    indices[1] = 5;
    expect(() => run?.(0, 1, 0)).toThrow(ShapeError);
    expect(() => runStepCommand(gather, 0, nativeBackend)).toThrow(/^gather: index 5 is out of range \[0, 5\)$/);
    expect(() => nativeBackend.bindSteps?.([{ ...gather, outer: 3 }], 1)).toThrow(/gather sizes do not match its arrays/);
  });
  it('declines a list with a command kind it has no record for, instead of dropping the command', () => {
    const unknown = { kind: 'fused-attention', dst } as unknown as StepCommand;
    expect(nativeBackend.bindSteps?.([{ kind: 'zero', dst }, unknown], 1)).toBeUndefined();
  });
  it('runs copies and zero fills in order', () => {
    const run = nativeBackend.bindSteps?.([
      { kind: 'zero', dst },
      { kind: 'copy', src, srcStart: 0, srcStride: 4, dst, dstStart: 1, dstStride: 2, rows: 2, length: 1 },
    ], 1);
    dst.fill(9);
    run?.(0, 1, 0);
    expect(Array.from(dst)).toEqual([0, 3, 0, 3]);
  });
  it('moves a copy by its per-step strides, and checks the last step of the range against the arrays', () => {
    const seq = Float64Array.from([0, 1, 2, 3, 4, 5]);
    const out = new Float64Array(6);
    const copy = { kind: 'copy', src: seq, srcStart: 0, srcStride: 0, srcStep: 2, dst: out, dstStart: 4, dstStride: 0, rows: 1, length: 2 } as const;
    const run = nativeBackend.bindSteps?.([{ ...copy, dstStart: 0, dstStep: 2 }], 3);
    run?.(2, 3, -1);
    expect(Array.from(out)).toEqual([0, 1, 2, 3, 4, 5]);
    // The reference meaning, step by step, agrees.
    const reference = new Float64Array(6);
    for (const s of [2, 1, 0]) runStepCommand({ ...copy, dst: reference, dstStart: 0, dstStep: 2 }, s, nativeBackend);
    expect(Array.from(reference)).toEqual(Array.from(out));
    expect(() => run?.(0, 4, 1)).toThrow(/runSteps: a step outside the bound range/);
    expect(() => nativeBackend.bindSteps?.([copy], 4)).toThrow(/reaches outside its array/);
    run?.release?.();
  });
  it('declines a product with an integer operand (the caller runs it call by call)', () => {
    const core = nativeBackend;
    const i = { dtype: 'int32', rank: 2, shape: [1, 1], data: new Int32Array(1) } as unknown as Tensor;
    expect(core.bindSteps?.([{ kind: 'matmul', a: i, b: i, transA: false, transB: false, out: i, accumulate: false }], 1)).toBeUndefined();
  });
});
