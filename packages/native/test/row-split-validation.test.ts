// Binding decides whether a step list may split by batch rows: hand-built lists that read
// or write across rows — a product summing over the batch, a row broadcast to all rows, a
// copy from one row to another, arrays sharing memory — stay serial and say why, and give
// what the commands give one by one; a list that only keeps to its rows (a time-major
// history, a batch-major sequence, a broadcast bias, a zero fill) splits and gives the same.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Rng, runStepCommand, zeros, type ElementwiseProgram, type StepCommand, type Tensor } from '@tapestry/core';
import { explainBoundSteps, nativeBackend, setNativeRowSplit, setNativeThreads } from '../src/index.js';

const B = 6;
const K = 8;
const T = 4;

/** h ← tanh(p + x + bias), with bias broadcast over the rows. */
const cell: ElementwiseProgram = {
  inputs: 3,
  instructions: [
    { op: 'binary', kind: 'add', a: 0, b: 1 },
    { op: 'binary', kind: 'add', a: 3, b: 2 },
    { op: 'unary', kind: 'tanh', x: 4 },
  ],
  outputs: [5],
};
/** y ← a + b (b may be a shorter, broadcast operand). */
const plus: ElementwiseProgram = { inputs: 2, instructions: [{ op: 'binary', kind: 'add', a: 0, b: 1 }], outputs: [2] };

interface Buffers {
  readonly xs: Tensor; // [B, T, K] inputs
  readonly w: Tensor; // [K, K]
  readonly bias: Tensor; // [K]
  readonly x: Tensor; // [B, K] this step's input
  readonly p: Tensor; // [B, K] h·Wᵀ
  readonly h: Tensor; // [B, K] the carried state
  readonly history: Tensor; // [T, B, K] h at every step
  readonly ys: Tensor; // [B, T, K] h at every step, batch-major
  readonly extra: Tensor; // [B, K] what an offending command writes
  readonly square: Tensor; // [B, B]
  readonly grad: Tensor; // [K, K] a weight gradient
  readonly row: Tensor; // [K]
}

function buffers(): Buffers {
  const rng = new Rng(7);
  return {
    xs: rng.normal([B, T, K]), w: rng.normal([K, K]), bias: rng.normal([K]), x: zeros([B, K]), p: zeros([B, K]),
    h: rng.normal([B, K]), history: zeros([T, B, K]), ys: zeros([B, T, K]), extra: zeros([B, K]), square: rng.normal([B, B]),
    grad: zeros([K, K]), row: zeros([K]),
  };
}

/** A tanh RNN step keeping to its rows, then `offending` commands. */
function rnnStep(v: Buffers, offending: (v: Buffers) => StepCommand[]): StepCommand[] {
  return [
    { kind: 'copy', src: v.xs.data, srcStart: 0, srcStride: T * K, srcStep: K, dst: v.x.data, dstStart: 0, dstStride: K, rows: B, length: K },
    { kind: 'matmul', a: v.h, b: v.w, transA: false, transB: true, out: v.p, accumulate: false },
    { kind: 'program', program: cell, inputs: [v.p, v.x, v.bias], outputs: [v.h] },
    { kind: 'copy', src: v.h.data, srcStart: 0, srcStride: 0, dst: v.history.data, dstStart: 0, dstStride: 0, dstStep: B * K, rows: 1, length: B * K },
    { kind: 'copy', src: v.h.data, srcStart: 0, srcStride: K, dst: v.ys.data, dstStart: 0, dstStride: T * K, dstStep: K, rows: B, length: K },
    ...offending(v),
  ];
}

const cases: readonly (readonly [string, (v: Buffers) => StepCommand[], RegExp])[] = [
  ['keeps to its rows', (v) => [
    { kind: 'zero', dst: v.extra.data },
    { kind: 'broadcast', src: v.bias.data, srcShape: [K], dst: v.p.data, dstShape: [B, K] },
    { kind: 'program', program: plus, inputs: [v.p, v.h], outputs: [v.extra] },
    { kind: 'matmul', a: v.extra, b: v.w, transA: false, transB: false, out: v.p, accumulate: true },
    { kind: 'copy', src: v.extra.data, srcStart: 0, srcStride: 0, dst: v.h.data, dstStart: 0, dstStride: 0, rows: 1, length: B * K },
  ], /^rows: every command reads and writes only its own rows of a batch of 6$/],
  ['accumulates a weight gradient (a product over the batch)', (v) => [
    { kind: 'matmul', a: v.h, b: v.p, transA: true, transB: false, out: v.grad, accumulate: true },
  ], /^serial: a product of 8 rows in a loop over a batch of 6$/],
  ['multiplies by a state across the batch', (v) => [
    { kind: 'matmul', a: v.square, b: v.h, transA: false, transB: false, out: v.extra, accumulate: false },
    { kind: 'copy', src: v.extra.data, srcStart: 0, srcStride: 0, dst: v.h.data, dstStart: 0, dstStride: 0, rows: 1, length: B * K },
  ], /^serial: a product's right operand is written in the loop/],
  ['broadcasts one row to all rows', (v) => [
    { kind: 'copy', src: v.h.data, srcStart: 0, srcStride: 0, dst: v.row.data, dstStart: 0, dstStride: 0, rows: 1, length: K },
    { kind: 'program', program: plus, inputs: [v.h, v.row], outputs: [v.extra] },
    { kind: 'copy', src: v.extra.data, srcStart: 0, srcStride: 0, dst: v.h.data, dstStart: 0, dstStride: 0, rows: 1, length: B * K },
  ], /^serial: /],
  ['copies each row into the next', (v) => [
    { kind: 'program', program: plus, inputs: [v.p, v.h], outputs: [v.extra] },
    { kind: 'copy', src: v.h.data, srcStart: 0, srcStride: K, dst: v.extra.data, dstStart: K, dstStride: K, rows: B - 1, length: K },
    { kind: 'copy', src: v.extra.data, srcStart: 0, srcStride: 0, dst: v.h.data, dstStart: 0, dstStride: 0, rows: 1, length: B * K },
  ], /^serial: a copy moves elements across batch rows$/],
  ['writes an array that is a view of another', (v) => [
    { kind: 'program', program: plus, inputs: [v.p, v.h], outputs: [v.extra] },
    { kind: 'copy', src: v.h.data, srcStart: 0, srcStride: 0, dst: new Float32Array(v.extra.data.buffer, v.extra.data.byteOffset, K), dstStart: 0, dstStride: 0, rows: 1, length: K },
  ], /^serial: an array written in the loop shares memory with another$/],
];

afterEach(() => setNativeRowSplit());
afterAll(() => setNativeThreads(2));

describe.each([2, 7])('on %i threads, a step list that', (threads) => {
  it.each(cases)('%s', (_name, offending, expected) => {
    setNativeThreads(threads);
    setNativeRowSplit({ mode: 'always' });
    const bound = buffers();
    const run = nativeBackend.bindSteps?.(rnnStep(bound, offending), T);
    expect(run).toBeDefined();
    if (run === undefined) return;
    expect(explainBoundSteps(run)).toMatch(expected);
    run(0, T, 1);
    // The meaning: every command in order, at every step, one call each.
    const reference = buffers();
    const commands = rnnStep(reference, offending);
    for (let s = 0; s < T; s++) for (const c of commands) runStepCommand(c, s, nativeBackend);
    for (const key of Object.keys(bound) as (keyof Buffers)[]) expect(Array.from(bound[key].data), key).toEqual(Array.from(reference[key].data));
    // The run did something: every step's slab of the history was written.
    for (let s = 0; s < T; s++) expect(bound.history.data.subarray(s * B * K, (s + 1) * B * K).some((x) => x !== 0)).toBe(true);
    run.release?.();
  });
});

describe('setNativeRowSplit', () => {
  it('names the option it rejects', () => {
    expect(() => setNativeRowSplit({ mode: 'sometimes' as 'auto' })).toThrow(/setNativeRowSplit: mode must be 'auto', 'off' or 'always', got sometimes/);
    expect(() => setNativeRowSplit({ minRowsPerThread: 0 })).toThrow(/setNativeRowSplit: minRowsPerThread must be a positive integer, got 0/);
    expect(() => setNativeRowSplit({ minWork: Number.NaN })).toThrow(/setNativeRowSplit: minWork must be a non-negative number, got NaN/);
  });
  it('explains nothing for a function the native backend did not bind, or one released', () => {
    const run = nativeBackend.bindSteps?.([{ kind: 'zero', dst: new Float32Array(4) }], 1);
    expect(run).toBeDefined();
    if (run === undefined) return;
    expect(explainBoundSteps(run)).toBe('serial: no matrix product to set the batch rows');
    run.release?.();
    expect(explainBoundSteps(run)).toBeUndefined();
    expect(explainBoundSteps(() => undefined)).toBeUndefined();
  });
});
