import type { AdamArrays, AdamStepCoefficients, Backend } from '@tapestry/core';
import type { Addon } from './addon.js';

// The optimizers' per-parameter loops (Backend.adamStep, Backend.scaleAdd) in native code
// (native/optimizer.cc): the same double-precision arithmetic as @tapestry/optim's
// TypeScript loops, so the same bits, a few times faster — W2's optimizer step walks
// some 900,000 parameters three or four times per step.

type FloatArray = Float32Array | Float64Array;

/** The optimizer hooks of the native backend. */
export function optimizerKernels(addon: Addon): Pick<Backend, 'adamStep' | 'scaleAdd'> {
  return {
    adamStep(a: AdamArrays, c: AdamStepCoefficients): void {
      addon.adamStep(a.g, a.m, a.v, a.vMax ?? null, a.out, a.mNext, a.vNext, a.vMaxNext ?? null, c.b1, c.b2, c.bc1, c.sqrtBc2, c.eps);
    },
    scaleAdd(x: FloatArray, a: number, y: FloatArray | undefined, out: FloatArray): void {
      addon.scaleAdd(x, a, y ?? null, out);
    },
  };
}
