// Output storage comes from the addon's pool uninitialised and returns to it only when V8
// frees the ArrayBuffer: an array a program still holds is never handed out again, and
// recycled storage gives the same results as fresh.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Rng, concat, jsBackend, setBackend, slice, type Tensor, zeros } from '@tapestry/core';
import { loaded } from '../src/addon.js';
import { nativeBackend, nativeStatus } from '../src/index.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

// V8 may free backing stores on a background thread after the collection.
async function collectFully(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.runIf(nativeStatus().available)('pooled output storage', () => {
  const addon = loaded.addon!;

  it('returns storage to the pool once its array is collected, and reuses it', async () => {
    const rng = new Rng(11);
    const a = rng.normal([64, 64]), b = rng.normal([64, 64]);
    for (let i = 0; i < 50; i++) nativeBackend.matmul(a, b, false, false, [64, 64]);
    await collectFully();
    const pooled = addon.pooledBytes();
    expect(pooled).toBeGreaterThanOrEqual(50 * 64 * 64 * 4);
    nativeBackend.matmul(a, b, false, false, [64, 64]);
    expect(addon.pooledBytes()).toBe(pooled - 64 * 64 * 4);
  });

  it('never hands out an array that is still reachable (kept data outlives its tensor)', async () => {
    const rng = new Rng(12);
    const x = rng.normal([40, 50]);
    const kept: Float32Array[] = [];
    const expected: Float32Array[] = [];
    for (let round = 0; round < 20; round++) {
      // Keep only the data of some outputs; drop the tensors and everything else.
      for (let i = 0; i < 30; i++) {
        const y = nativeBackend.unary('exp', x);
        if (i % 7 === 0) {
          const data = y.data as Float32Array;
          data[round] = round + i; // a mark only this array carries
          kept.push(data);
          expected.push(Float32Array.from(data));
        }
      }
      await collectFully();
    }
    kept.forEach((data, i) => expect(data).toEqual(expected[i]));
  });

  it('recycled storage holds exactly what the kernels compute (every element written)', async () => {
    const rng = new Rng(13);
    // Fill the pool with arrays of the sizes used below, holding garbage.
    for (let i = 0; i < 20; i++) {
      const y = nativeBackend.unary('exp', rng.normal([33, 17]));
      (y.data as Float32Array).fill(Number.NaN);
      nativeBackend.matmul(rng.normal([33, 5]), rng.normal([5, 17]), false, false, [33, 17]).data.fill(Number.NaN);
    }
    await collectFully();
    expect(addon.pooledBytes()).toBeGreaterThan(0);
    const p = rng.normal([33, 5]), q = rng.normal([5, 17]), r = rng.normal([33, 17]);
    const pairs: [Tensor, Tensor][] = [
      [nativeBackend.matmul(p, q, false, false, [33, 17]), jsBackend.matmul(p, q, false, false, [33, 17])],
      [nativeBackend.binary('mul', r, r, [33, 17]), jsBackend.binary('mul', r, r, [33, 17])],
      [nativeBackend.softmax(r, 1), jsBackend.softmax(r, 1)],
    ];
    for (const [native, reference] of pairs) {
      const got = Array.from(native.data), want = Array.from(reference.data);
      // float32 products and sums in a different order: 1e-5 relative is 100 float32 ulps.
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]))));
    }
  });

  it('hands core’s allocations recycled storage while installed, still zero-filled; layout copies match', async () => {
    const rng = new Rng(14);
    for (let i = 0; i < 20; i++) nativeBackend.unary('exp', rng.normal([64, 64])).data.fill(Number.NaN);
    await collectFully();
    const before = addon.pooledBytes();
    const previous = setBackend(nativeBackend);
    try {
      const z = zeros([64, 64]);
      expect(addon.pooledBytes()).toBe(before - 64 * 64 * 4); // it came from the pool
      expect(z.data.every((v) => v === 0)).toBe(true);
      const x = rng.normal([5, 40, 7]), y = rng.normal([5, 3, 7]);
      const joined = concat([x, y], 1);
      setBackend(jsBackend);
      expect(Array.from(joined.data)).toEqual(Array.from(concat([x, y], 1).data));
      const expected = slice(x, [1, 4, 2], [3, 30, 4]).data;
      setBackend(nativeBackend);
      expect(Array.from(slice(x, [1, 4, 2], [3, 30, 4]).data)).toEqual(Array.from(expected));
    } finally {
      setBackend(previous);
    }
  });
});
