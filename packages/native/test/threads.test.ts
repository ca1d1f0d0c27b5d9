// The thread pool splits products and programs into disjoint output blocks: with 1, 2
// and 7 threads (more threads than this machine's cores included) and the split forced
// at every size, results match the one-thread result.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type ElementwiseProgram, Rng, Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { nativeBackend, nativeStatus, setNativeParallelThresholds, setNativeThreads } from '../src/index.js';

const lstmLike: ElementwiseProgram = {
  inputs: 3,
  instructions: [
    { op: 'binary', kind: 'add', a: 0, b: 1 }, // 3: gates + bias
    { op: 'unary', kind: 'sigmoid', x: 3 }, // 4
    { op: 'unary', kind: 'tanh', x: 3 }, // 5
    { op: 'binary', kind: 'mul', a: 4, b: 2 }, // 6
    { op: 'binary', kind: 'add', a: 6, b: 5 }, // 7
  ],
  outputs: [7, 4],
};

afterAll(() => {
  setNativeThreads(nativeStatus().threads ?? 1);
  setNativeParallelThresholds(1 << 23, 1 << 14); // the defaults
});

describe('threads never race', () => {
  it('matrix products and programs agree with one thread at 1, 2 and 7 threads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.boolean(), fc.constantFrom('float32' as const, 'float64' as const), fc.nat(),
        (M, N, K, transA, transB, dtype, seed) => {
          const rng = new Rng(seed);
          const a = rng.normal(transA ? [K, M] : [M, K], { dtype });
          const b = rng.normal(transB ? [N, K] : [K, N], { dtype });
          const x = rng.normal([M, N], { dtype }), bias = rng.normal([N], { dtype }), c = rng.normal([M, N], { dtype });
          const results = [1, 2, 7].map((threads) => {
            setNativeThreads(threads);
            setNativeParallelThresholds(0, 0);
            const product = nativeBackend.matmul(a, b, transA, transB, [M, N]);
            const outputs = [0, 1].map(() => new Tensor([M, N], dtype === 'float32' ? new Float32Array(M * N) : new Float64Array(M * N)));
            nativeBackend.elementwise(lstmLike, [x, bias, c], outputs);
            return { product, outputs };
          });
          // Threads take different blocks, and a block of few rows takes the unpacked kernel,
          // whose sums run in another order: equal to the rounding of K products.
          const tol = (dtype === 'float32' ? 1e-6 : 1e-15) * K;
          for (const r of results.slice(1)) {
            r.product.data.forEach((v, i) => expect(Math.abs(v - results[0].product.data[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
            r.outputs.forEach((o, k) => expect(Array.from(o.data)).toEqual(Array.from(results[0].outputs[k].data)));
          }
        }),
      { numRuns: propertyRuns(30) },
    );
  });
});
