// The fused gate ops' two forms — hand-written loops (TypeScript kernels) and element-wise
// programs (every other backend) — compute the same values in the same order, so under
// the TypeScript program interpreter they agree exactly, forward and backward.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Backend, Rng, grad, jsBackend, mul, setBackend, sum, type Tensor } from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { gruGates, lstmGates } from '../src/index.js';

// The same kernels under another identity: the gate ops take the program path.
const programPath: Backend = { ...jsBackend, name: 'js-programs', elementwise: (p, i, o) => jsBackend.elementwise(p, i, o) };

function under<T>(kernels: Backend, f: () => T): T {
  const previous = setBackend(kernels);
  try {
    return f();
  } finally {
    setBackend(previous);
  }
}

const flat = (ts: Tensor[]): number[] => ts.flatMap((t) => Array.from(t.data));

describe('fused gates: loops and programs agree exactly', () => {
  it('lstmGates and gruGates, values and gradients, batch 1 (views) and larger (copies)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom('float32' as const, 'float64' as const), fc.nat(), (B, H, dtype, seed) => {
        const rng = new Rng(seed);
        const gates = rng.normal([B, 4 * H], { dtype }), c = rng.normal([B, H], { dtype }), w = rng.normal([B, H], { dtype });
        const xg = rng.normal([B, 3 * H], { dtype }), hg = rng.normal([B, 3 * H], { dtype });
        const run = (): number[] => {
          const lstm = lstmGates(gates, c);
          // Both outputs reach the loss, so both cotangents flow back.
          const gl = grad(
            (a: Tensor, cc: Tensor) => {
              const [h, cn] = lstmGates(a, cc);
              return sum(mul(mul(h, cn), w));
            },
            { argnums: [0, 1] },
          )(gates, c);
          const gru = gruGates(xg, hg, c);
          const gg = grad((a: Tensor, b: Tensor, h: Tensor) => sum(mul(gruGates(a, b, h), w)), { argnums: [0, 1, 2] })(xg, hg, c);
          return [...flat(lstm), ...flat(gl), ...flat([gru]), ...flat(gg)];
        };
        expect(under(programPath, run)).toEqual(under(jsBackend, run));
      }),
      { numRuns: propertyRuns(25) },
    );
  });
});
