// The native sum adds in the TypeScript kernel's order (per output element, in double,
// along the reduced axes), so its results are the same bits — for every contiguous set of
// axes, both float dtypes, and every instruction set the CPU has.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, jsBackend } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { nativeBackend, nativeStatus, selectNativeIsa } from '../src/index.js';

const status = nativeStatus();
type Isa = 'avx512' | 'avx2' | 'generic';

describe.runIf(status.available)('native sum', () => {
  it('equals the TypeScript kernel bit for bit over contiguous axes', () => {
    const isas = (status.supportedIsas ?? []) as Isa[];
    try {
      for (const isa of isas) {
        selectNativeIsa(isa);
        fc.assert(
          fc.property(
            fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(), fc.boolean(), fc.constantFrom('float32' as const, 'float64' as const), fc.nat(),
            (shape, first, count, keepdims, dtype, seed) => {
              const a0 = first % shape.length;
              const axes = Array.from({ length: 1 + (count % (shape.length - a0)) }, (_, i) => a0 + i);
              const x = new Rng(seed).normal(shape, { dtype });
              const got = nativeBackend.reduce('sum', x, axes, keepdims), want = jsBackend.reduce('sum', x, axes, keepdims);
              expect(got.shape).toEqual(want.shape);
              expect(Array.from(got.data)).toEqual(Array.from(want.data));
            },
          ),
          { numRuns: propertyRuns(60) },
        );
      }
    } finally {
      if (status.isa !== undefined) selectNativeIsa(status.isa as Isa);
    }
  });

  it('sums long rows and wide blocks (the vector and four-row paths)', () => {
    const rng = new Rng(3);
    for (const [shape, axes] of [[[7, 1000], [1]], [[2048, 3], [0]], [[3, 37, 600], [1]]] as const) {
      const x = rng.normal([...shape]);
      expect(Array.from(nativeBackend.reduce('sum', x, axes, false).data)).toEqual(Array.from(jsBackend.reduce('sum', x, axes, false).data));
    }
  });
});
