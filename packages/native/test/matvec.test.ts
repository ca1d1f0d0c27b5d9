// A single row times a transposed matrix (x·Wᵀ at batch 1) takes the 16-column
// matrix-vector kernel: it must equal the exact product within the rounding of K products,
// and — each column's sum following the same path whichever block holds it — give the
// same bits at 1, 2 and 7 threads with the split forced at every size.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, Tensor, jsBackend } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { nativeBackend, nativeStatus, setNativeParallelThresholds, setNativeThreads } from '../src/index.js';

afterAll(() => {
  setNativeThreads(nativeStatus().threads ?? 1);
  setNativeParallelThresholds(1 << 23, 1 << 14); // the defaults
});

describe.runIf(nativeStatus().available)('matrix-vector products', () => {
  it('1×K · (N×K)ᵀ: within K roundings of the float64 product, the same bits at 1, 2 and 7 threads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.constantFrom('float32' as const, 'float64' as const), fc.nat(),
        (N, K, accumulate, dtype, seed) => {
          const rng = new Rng(seed);
          const x = rng.normal([1, K], { dtype }), w = rng.normal([N, K], { dtype });
          const exact = jsBackend.matmul(jsBackend.cast(x, 'float64'), jsBackend.cast(w, 'float64'), false, true, [1, N]);
          const start = rng.normal([1, N], { dtype });
          const results = [1, 2, 7].map((threads) => {
            setNativeThreads(threads);
            setNativeParallelThresholds(0, 0);
            const out = new Tensor([1, N], start.data.slice());
            nativeBackend.matmulInto(x, w, false, true, out, accumulate);
            return out.data;
          });
          // Float32 sums of K products of normal values: each rounding ≤ 2^-24 of a partial
          // sum bounded by Σ|x_k w_k| ≤ K·max; 1e-6·K relative to that bound covers them.
          const eps = dtype === 'float32' ? 1e-6 : 1e-15;
          for (let j = 0; j < N; j++) {
            let bound = 0;
            for (let k = 0; k < K; k++) bound += Math.abs(x.data[k] * w.data[j * K + k]);
            const want = exact.data[j] + (accumulate ? start.data[j] : 0);
            expect(Math.abs(results[0][j] - want)).toBeLessThanOrEqual(eps * K * (bound + Math.abs(want)) + 1e-30);
          }
          for (const r of results.slice(1)) expect(Array.from(r)).toEqual(Array.from(results[0]));
        }),
      { numRuns: propertyRuns(40) },
    );
  });
});
