/**
 * Hyperparameters: a number, or a schedule evaluated at the step count. Constants are
 * validated when the transformation is built, schedule values at every update, so a
 * schedule that wanders out of range fails with the step at which it did.
 */
import { ValueError } from '@tapestry/core';

/**
 * A function of the 0-based step count: the first update of a transformation calls
 * it with 0, the second with 1, and so on (updates skipped by `applyIfFinite` do not
 * count).
 */
export type Schedule = (step: number) => number;

/** A hyperparameter: a constant or a {@link Schedule}. */
export type Hyper = number | Schedule;

/** The ranges a hyperparameter can be required to lie in. */
export type Range = 'nonNegative' | 'positive' | 'beta' | 'unit' | 'finite';

const RANGES: Record<Range, { readonly ok: (x: number) => boolean; readonly text: string }> = {
  nonNegative: { ok: (x) => Number.isFinite(x) && x >= 0, text: 'a finite non-negative number' },
  positive: { ok: (x) => Number.isFinite(x) && x > 0, text: 'a finite positive number' },
  beta: { ok: (x) => x >= 0 && x < 1, text: 'a number in [0, 1)' },
  unit: { ok: (x) => x >= 0 && x <= 1, text: 'a number in [0, 1]' },
  finite: { ok: (x) => Number.isFinite(x), text: 'a finite number' },
};

/** Throws a {@link ValueError} naming `owner` and `key` unless `value` is in `range`. */
export function checkRange(owner: string, key: string, value: number, range: Range, where = ''): void {
  if (typeof value !== 'number' || !RANGES[range].ok(value)) {
    throw new ValueError(`${owner}: ${key} must be ${RANGES[range].text}, got ${String(value)}${where}`);
  }
}

/**
 * Validates a hyperparameter when its transformation is built: a constant is range
 * checked, a schedule is evaluated at step 0 so a broken one fails early.
 */
export function checkHyper(owner: string, key: string, hyper: Hyper, range: Range): void {
  if (typeof hyper === 'function') hyperAt(owner, key, hyper, range, 0);
  else if (typeof hyper === 'number') checkRange(owner, key, hyper, range);
  else throw new ValueError(`${owner}: ${key} must be a number or a schedule, got ${typeof hyper}`);
}

/** The value of `hyper` at `step`, range checked (schedules may misbehave at any step). */
export function hyperAt(owner: string, key: string, hyper: Hyper, range: Range, step: number): number {
  if (typeof hyper === 'number') return hyper;
  const value = hyper(step);
  checkRange(owner, key, value, range, ` (schedule value at step ${step})`);
  return value;
}
