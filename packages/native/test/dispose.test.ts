// `dispose` on the native backend: a pooled output goes back to the pool at once (the
// next product of that size gets the same block, still in cache), every view of it is
// left empty and refused, storage a live step list binds is not freed (its arrays are
// read by native code at the next run), and storage the backend did not allocate is
// never detached.
import { afterEach, describe, expect, it } from 'vitest';
import { DisposedError, Rng, add, backend, dispose, fromStorage, jit, matmul, sigmoid, tanh, reshape, setBackend, tensor, type Tensor } from '@tapestry/core';
import { loaded } from '../src/addon.js';
import { nativeBackend, nativeStatus } from '../src/index.js';

const previous = backend();
afterEach(() => setBackend(previous));

describe.runIf(nativeStatus().available)('dispose on the native backend', () => {
  const addon = loaded.addon!;

  it('returns a product’s block to the pool at once, and the next product reuses it', () => {
    setBackend(nativeBackend);
    const rng = new Rng(21);
    const a = rng.normal([128, 128]), b = rng.normal([128, 128]);
    const c = matmul(a, b);
    const expected = c.toFlatArray();
    const view = reshape(c, [128 * 128]);
    const pooled = addon.pooledBytes();
    dispose(c);
    expect(addon.pooledBytes()).toBe(pooled + 128 * 128 * 4);
    expect(view.isDisposed).toBe(true);
    expect(view.data.length).toBe(0);
    expect(() => add(view, 1)).toThrow(DisposedError);
    const again = matmul(a, b);
    expect(addon.pooledBytes()).toBe(pooled);
    expect(again.toFlatArray()).toEqual(expected);
  });

  it('leaves storage it did not allocate in place', () => {
    setBackend(nativeBackend);
    const small = tensor([1, 2, 3]); // below the pool's size: a plain array
    const supplied = fromStorage([64, 64], new Float32Array(4096).fill(2)); // the caller's array
    dispose([small, supplied]);
    expect(small.data.length).toBe(3);
    expect(supplied.data.length).toBe(4096);
    expect(() => add(supplied, 1)).toThrow(DisposedError);
  });

  it('leaves the other outputs of a jitted call alone (they share one pooled block)', () => {
    setBackend(nativeBackend);
    const rng = new Rng(23);
    const step = jit((x: Tensor) => ({ a: tanh(x), b: sigmoid(x) }));
    const x = rng.normal([16, 32]);
    const { a, b } = step(x);
    expect(a.data.buffer).toBe(b.data.buffer);
    const expected = b.toFlatArray();
    dispose(a);
    expect(a.isDisposed).toBe(true);
    expect(b.isDisposed).toBe(false);
    expect(b.toFlatArray()).toEqual(expected);
  });

  it('does not free storage a live step list binds', () => {
    setBackend(nativeBackend);
    const rng = new Rng(22);
    const x = matmul(rng.normal([32, 32]), rng.normal([32, 32])); // pooled
    const w = rng.normal([32, 32]);
    const out: Tensor = matmul(x, w);
    const bound = nativeBackend.bindSteps!([{ kind: 'matmul', a: x, b: w, transA: false, transB: false, out, accumulate: false }], 1);
    expect(bound).toBeDefined();
    const pooled = addon.pooledBytes();
    dispose(x);
    expect(x.isDisposed).toBe(true);
    expect(x.data.length).toBe(32 * 32); // still bound: left for the collector
    expect(addon.pooledBytes()).toBe(pooled);
    bound!(0, 1, 1);
    expect(out.data.every(Number.isFinite)).toBe(true);
  });
});
