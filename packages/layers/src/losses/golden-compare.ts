import type { Tensor } from '@tapestry/core';
import { formatShape, shapesEqual } from '@tapestry/core';

/** Golden tolerance: `|actual − expected| <= max(ABS_FLOOR, REL · |expected|)`. */
export const GOLDEN_REL = 1e-9;
/** Absolute floor of the golden tolerance, for expected values at or near 0. */
export const GOLDEN_ABS_FLOOR = 1e-12;

/** How one quantity compared. */
export interface Comparison {
  readonly ok: boolean;
  /** e.g. `grads.logits: worst |Δ| 2.8e-17 at 7 (allowed 1e-12)`. */
  readonly detail: string;
}

function allowed(expected: number): number {
  return Math.max(GOLDEN_ABS_FLOOR, GOLDEN_REL * Math.abs(expected));
}

/** Compares two numbers within the golden tolerance. */
export function compareNumber(what: string, actual: number, expected: number): Comparison {
  const diff = Math.abs(actual - expected);
  const ok = diff <= allowed(expected);
  return { ok, detail: `${what}: ${actual} vs ${expected} (|Δ| ${diff.toExponential(1)}, allowed ${allowed(expected).toExponential(1)})` };
}

/** Compares two tensors element-wise within the golden tolerance and reports the worst element. */
export function compareTensor(what: string, actual: Tensor, expected: Tensor): Comparison {
  if (!shapesEqual(actual.shape, expected.shape)) {
    return { ok: false, detail: `${what}: shape ${formatShape(actual.shape)}, expected ${formatShape(expected.shape)}` };
  }
  let worst = -1;
  let worstRatio = -1;
  for (let i = 0; i < expected.size; i++) {
    const ratio = Math.abs(actual.data[i] - expected.data[i]) / allowed(expected.data[i]);
    // `!(ratio <= worstRatio)` also catches NaN.
    if (!(ratio <= worstRatio)) [worst, worstRatio] = [i, ratio];
  }
  if (worst < 0) return { ok: true, detail: `${what}: empty` };
  const diff = Math.abs(actual.data[worst] - expected.data[worst]);
  return {
    ok: worstRatio <= 1,
    detail: `${what}: worst |Δ| ${diff.toExponential(1)} at ${worst} (${actual.data[worst]} vs ${expected.data[worst]}, allowed ${allowed(expected.data[worst]).toExponential(1)})`,
  };
}
