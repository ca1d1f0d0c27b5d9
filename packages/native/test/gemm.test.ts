// The packed product (more than 32 rows): B packed by every thread of a depth
// block, A packed one MR-row panel at a time, the last partial panel of rows on the m-row
// tile, ragged column panels through the edge buffer, several depth blocks (K past KC =
// 384 in float32, 256 in float64) and column blocks (N past NC = 1024 / 512). Every
// product must be within the rounding bound of the float64 product for every transpose
// flag, with and without accumulation, and give the same bits at 1, 2 and 7 threads (the
// row panels start at multiples of MR whatever the split, so each element's sum takes the
// same order).
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { nativeBackend, nativeStatus, setNativeParallelThresholds, setNativeThreads } from '../src/index.js';

afterAll(() => {
  setNativeThreads(nativeStatus().threads ?? 1);
  setNativeParallelThresholds(1 << 23, 1 << 14); // the defaults
});

type DType = 'float32' | 'float64';

/** op(A)·op(B) in float64, and Σ|a·b| per element (the scale of its rounding error). */
function reference(a: Tensor, b: Tensor, M: number, N: number, K: number, transA: boolean, transB: boolean): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(M * N), scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k++) {
      const x = a.data[transA ? k * M + i : i * K + k];
      for (let j = 0; j < N; j++) {
        const p = x * b.data[transB ? j * K + k : k * N + j];
        value[i * N + j] += p;
        scale[i * N + j] += Math.abs(p);
      }
    }
  return { value, scale };
}

/** Runs one product into a copy of `start` at 1, 2 and 7 threads, the split forced. */
function productAtThreads(a: Tensor, b: Tensor, start: Tensor, transA: boolean, transB: boolean, accumulate: boolean): (Float32Array | Float64Array)[] {
  return [1, 2, 7].map((threads) => {
    setNativeThreads(threads);
    setNativeParallelThresholds(0, 0);
    const out = new Tensor(start.shape, start.data.slice());
    nativeBackend.matmulInto(a, b, transA, transB, out, accumulate);
    return out.data as Float32Array | Float64Array;
  });
}

function check(M: number, N: number, K: number, transA: boolean, transB: boolean, accumulate: boolean, dtype: DType, seed: number): void {
  const rng = new Rng(seed);
  const a = rng.normal(transA ? [K, M] : [M, K], { dtype });
  const b = rng.normal(transB ? [N, K] : [K, N], { dtype });
  const start = rng.normal([M, N], { dtype });
  const [one, ...others] = productAtThreads(a, b, start, transA, transB, accumulate);
  const ref = reference(a, b, M, N, K, transA, transB);
  // A length-K sum in precision u errs by at most K·u·Σ|a·b|; the accumulated start value
  // and the final rounding add u·(|start| + |result|) each.
  const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
  for (let e = 0; e < M * N; e++) {
    const s = accumulate ? start.data[e] : 0;
    const want = ref.value[e] + s;
    const bound = (K + 2) * u * ref.scale[e] + 2 * u * (Math.abs(s) + Math.abs(want)) + 1e-300;
    if (!(Math.abs(one[e] - want) <= bound))
      expect.fail(`${JSON.stringify({ M, N, K, transA, transB, accumulate, dtype })}: element ${e} is ${one[e]}, reference ${want}`);
  }
  for (const r of others) expect(Buffer.from(r.buffer, r.byteOffset, r.byteLength).equals(Buffer.from(one.buffer, one.byteOffset, one.byteLength))).toBe(true);
}

// Sizes around the tile (MR = 14 rows with AVX-512, 6 with AVX2; NR = 32 / 16 / 8 / 4
// columns), the vector width and the blocks.
const EDGES = [33, 41, 42, 43, 63, 64, 65, 127, 129, 255, 257];
const INNER = [1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 257, 385];

describe.runIf(nativeStatus().available)('packed matrix products', () => {
  it('match the float64 product for random edge shapes, flags and accumulation, the same bits at 1, 2 and 7 threads', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EDGES), fc.constantFrom(...INNER), fc.constantFrom(...INNER), fc.boolean(), fc.boolean(), fc.boolean(), fc.constantFrom<DType>('float32', 'float64'), fc.nat(),
        (M, N, K, transA, transB, accumulate, dtype, seed) => check(M, N, K, transA, transB, accumulate, dtype, seed)),
      { numRuns: propertyRuns(25) },
    );
  });

  // Column blocks past NC and depth blocks past KC, with ragged last blocks.
  const blocks: [number, number, number, DType][] = [
    [37, 1031, 20, 'float32'],
    [45, 70, 800, 'float32'],
    [33, 521, 17, 'float64'],
    [47, 33, 530, 'float64'],
  ];
  for (const [M, N, K, dtype] of blocks) {
    it(`match at M=${M} N=${N} K=${K} (${dtype}) for every flag, accumulating or not`, () => {
      for (const transA of [false, true]) for (const transB of [false, true]) for (const accumulate of [false, true]) check(M, N, K, transA, transB, accumulate, dtype, M * N + K);
    });
  }
});
