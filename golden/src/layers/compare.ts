import type { Tensor } from '@tapestry/core';
import { formatShape, shapesEqual } from '@tapestry/core';

/** Golden tolerance: `|actual − expected| <= max(ABS_FLOOR, REL · |expected|)`. */
export const GOLDEN_REL = 1e-9;
/** Absolute floor of the golden tolerance, for expected values at or near 0. */
export const GOLDEN_ABS_FLOOR = 1e-12;

/** How one quantity compared. */
export interface Comparison {
  readonly ok: boolean;
  /** Worst `|Δ| / allowed` (≤ 1 passes; Infinity for a shape mismatch or NaN). */
  readonly ratio: number;
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
  return { ok, ratio: diff / allowed(expected) || (Number.isNaN(diff) ? Infinity : 0), detail: `${what}: ${actual} vs ${expected} (|Δ| ${diff.toExponential(1)}, allowed ${allowed(expected).toExponential(1)})` };
}

/** Compares two tensors element-wise within the golden tolerance and reports the worst element. */
export function compareTensor(what: string, actual: Tensor, expected: Tensor): Comparison {
  if (!shapesEqual(actual.shape, expected.shape)) {
    return { ok: false, ratio: Infinity, detail: `${what}: shape ${formatShape(actual.shape)}, expected ${formatShape(expected.shape)}` };
  }
  let worst = -1;
  let worstRatio = -1;
  for (let i = 0; i < expected.size; i++) {
    const ratio = Math.abs(actual.data[i] - expected.data[i]) / allowed(expected.data[i]);
    // `!(ratio <= worstRatio)` also catches NaN.
    if (!(ratio <= worstRatio)) [worst, worstRatio] = [i, ratio];
  }
  if (worst < 0) return { ok: true, ratio: 0, detail: `${what}: empty` };
  const diff = Math.abs(actual.data[worst] - expected.data[worst]);
  return {
    ok: worstRatio <= 1,
    ratio: Number.isNaN(worstRatio) ? Infinity : worstRatio,
    detail: `${what}: worst |Δ| ${diff.toExponential(1)} at ${worst} (${actual.data[worst]} vs ${expected.data[worst]}, allowed ${allowed(expected.data[worst]).toExponential(1)})`,
  };
}

/** The verdict on one golden case. */
export interface CaseResult {
  /** The case name from the fixture. */
  readonly name: string;
  readonly ok: boolean;
  /** The worst comparison (every failing one when the case fails), or what went wrong. */
  readonly detail: string;
}

/** Folds a case's comparisons into one verdict that names the worst quantity. */
export function summarize(name: string, comparisons: readonly Comparison[]): CaseResult {
  const failing = comparisons.filter((c) => !c.ok);
  if (failing.length > 0) return { name, ok: false, detail: failing.map((c) => c.detail).join('; ') };
  const worst = comparisons.reduce<Comparison | undefined>((w, c) => (w === undefined || c.ratio > w.ratio ? c : w), undefined);
  return { name, ok: comparisons.length > 0, detail: worst === undefined ? 'nothing compared' : `worst ${worst.detail}` };
}
