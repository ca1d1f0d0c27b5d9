/**
 * Learning-rate (and any hyperparameter) schedules: plain functions of the 0-based
 * step count. Step `k` is the `k`-th update of the transformation that evaluates it,
 * so the first update sees `schedule(0)`.
 */
import { ValueError } from '@tapestry/core';
import type { Schedule } from './hyper.js';
import { checkRange } from './hyper.js';

function checkSteps(owner: string, key: string, value: number, allowZero: boolean): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ValueError(`${owner}: ${key} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(value)}`);
  }
}

/**
 * Always `value`.
 *
 * @example
 * ```ts
 * import { adam, constantSchedule } from '@tapestry/optim';
 * adam({ lr: constantSchedule(1e-3) }); // same as adam({ lr: 1e-3 })
 * ```
 */
export function constantSchedule(value: number): Schedule {
  checkRange('constantSchedule', 'value', value, 'finite');
  return () => value;
}

/** Options of {@link stepDecay}. */
export interface StepDecayOptions {
  /** Value at step 0. */
  readonly init: number;
  /** Number of steps between two decays, a positive integer. */
  readonly stepSize: number;
  /** Factor applied at each decay, ≥ 0 (default 0.1). */
  readonly gamma?: number;
}

/**
 * `init · gamma^⌊step / stepSize⌋` (PyTorch's `StepLR`). Non-increasing for `gamma ≤ 1`.
 *
 * @example
 * ```ts
 * import { sgd, stepDecay } from '@tapestry/optim';
 * sgd({ lr: stepDecay({ init: 0.1, stepSize: 30, gamma: 0.1 }) }); // 0.1, then 0.01 from step 30, …
 * ```
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  const { init, stepSize, gamma = 0.1 } = options;
  checkRange('stepDecay', 'init', init, 'finite');
  checkSteps('stepDecay', 'stepSize', stepSize, false);
  checkRange('stepDecay', 'gamma', gamma, 'nonNegative');
  return (step) => init * gamma ** Math.floor(Math.max(step, 0) / stepSize);
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** Value at step 0 (and before `transitionBegin`). */
  readonly init: number;
  /** Factor per `transitionSteps` steps, ≥ 0. */
  readonly decayRate: number;
  /** Steps over which the value is multiplied by `decayRate` once, positive integer (default 1). */
  readonly transitionSteps?: number;
  /** Decay in whole jumps every `transitionSteps` instead of smoothly (default false). */
  readonly staircase?: boolean;
  /** Steps to hold `init` before decaying, non-negative integer (default 0). */
  readonly transitionBegin?: number;
  /** Bound the value never crosses (a floor when decaying, a ceiling when growing). */
  readonly endValue?: number;
}

/**
 * `init · decayRate^((step − transitionBegin) / transitionSteps)` (Optax's
 * `exponential_decay`), optionally in whole steps and bounded by `endValue`.
 * Non-increasing for `decayRate ≤ 1`.
 *
 * @example
 * ```ts
 * import { adam, exponentialDecay } from '@tapestry/optim';
 * adam({ lr: exponentialDecay({ init: 1e-3, decayRate: 0.5, transitionSteps: 1000 }) }); // halves every 1000 steps
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const { init, decayRate, transitionSteps = 1, staircase = false, transitionBegin = 0, endValue } = options;
  checkRange('exponentialDecay', 'init', init, 'finite');
  checkRange('exponentialDecay', 'decayRate', decayRate, 'nonNegative');
  checkSteps('exponentialDecay', 'transitionSteps', transitionSteps, false);
  checkSteps('exponentialDecay', 'transitionBegin', transitionBegin, true);
  if (endValue !== undefined) checkRange('exponentialDecay', 'endValue', endValue, 'finite');
  return (step) => {
    const progress = Math.max(step - transitionBegin, 0) / transitionSteps;
    const value = init * decayRate ** (staircase ? Math.floor(progress) : progress);
    if (endValue === undefined) return value;
    return decayRate < 1 ? Math.max(value, endValue) : Math.min(value, endValue);
  };
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  /** Value at step 0. */
  readonly init: number;
  /** Steps to go from `init` to `end`, a positive integer; the value stays at `end` afterwards. */
  readonly decaySteps: number;
  /** Final value (default 0), PyTorch's `eta_min`. */
  readonly end?: number;
}

/**
 * Half a cosine from `init` down to `end` over `decaySteps` steps, then `end`
 * (PyTorch's `CosineAnnealingLR` without restarts). Non-increasing for `end ≤ init`.
 *
 * @example
 * ```ts
 * import { adam, cosineDecay } from '@tapestry/optim';
 * adam({ lr: cosineDecay({ init: 2e-3, decaySteps: 10_000, end: 1e-5 }) });
 * ```
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  const { init, decaySteps, end = 0 } = options;
  checkRange('cosineDecay', 'init', init, 'finite');
  checkSteps('cosineDecay', 'decaySteps', decaySteps, false);
  checkRange('cosineDecay', 'end', end, 'finite');
  return (step) => {
    const t = Math.min(Math.max(step, 0), decaySteps) / decaySteps;
    // init − (init − end)·g with g = ½(1 − cos πt) rising from exactly 0: the value is
    // exactly `init` at step 0 and never increases, even after rounding.
    return init - (init - end) * (0.5 * (1 - Math.cos(Math.PI * t)));
  };
}

/** Options of {@link linearWarmup}. */
export interface LinearWarmupOptions {
  /** Value at step 0 (default 0). */
  readonly init?: number;
  /** Value reached at `warmupSteps` and kept afterwards. */
  readonly peak: number;
  /** Length of the ramp, a non-negative integer (0: always `peak`). */
  readonly warmupSteps: number;
}

/**
 * A straight line from `init` at step 0 to `peak` at `warmupSteps`, then `peak`.
 * Non-decreasing for `peak ≥ init`. Compose it with a decay using {@link joinSchedules}.
 *
 * @example
 * ```ts
 * import { adam, linearWarmup } from '@tapestry/optim';
 * adam({ lr: linearWarmup({ peak: 1e-3, warmupSteps: 500 }) });
 * ```
 */
export function linearWarmup(options: LinearWarmupOptions): Schedule {
  const { init = 0, peak, warmupSteps } = options;
  checkRange('linearWarmup', 'init', init, 'finite');
  checkRange('linearWarmup', 'peak', peak, 'finite');
  checkSteps('linearWarmup', 'warmupSteps', warmupSteps, true);
  return (step) => (step >= warmupSteps ? peak : init + ((peak - init) * Math.max(step, 0)) / warmupSteps);
}

/**
 * Runs `schedules[0]` until `boundaries[0]`, then `schedules[1]` (restarted at its own
 * step 0) until `boundaries[1]`, and so on (Optax's `join_schedules`). `boundaries`
 * are absolute steps, strictly increasing, one fewer than the schedules.
 *
 * @example
 * ```ts
 * import { cosineDecay, joinSchedules, linearWarmup } from '@tapestry/optim';
 * const lr = joinSchedules(
 *   [linearWarmup({ peak: 1e-3, warmupSteps: 500 }), cosineDecay({ init: 1e-3, decaySteps: 9500 })],
 *   [500],
 * );
 * ```
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (schedules.length === 0) throw new ValueError('joinSchedules: needs at least one schedule');
  if (boundaries.length !== schedules.length - 1) {
    throw new ValueError(`joinSchedules: ${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${boundaries.length}`);
  }
  boundaries.forEach((b, i) => {
    checkSteps('joinSchedules', `boundaries[${i}]`, b, true);
    if (i > 0 && b <= boundaries[i - 1]) throw new ValueError(`joinSchedules: boundaries must increase strictly, got ${boundaries.join(', ')}`);
  });
  const starts = [0, ...boundaries];
  return (step) => {
    let i = boundaries.length;
    while (i > 0 && step < starts[i]) i--;
    return schedules[i](step - starts[i]);
  };
}

/** Options of {@link warmupCosineDecay}. */
export interface WarmupCosineDecayOptions {
  /** Value at step 0 (default 0). */
  readonly init?: number;
  /** Value at the end of the warm-up. */
  readonly peak: number;
  /** Length of the linear warm-up, a non-negative integer. */
  readonly warmupSteps: number;
  /** Total length, warm-up included (as Optax), an integer > `warmupSteps`. */
  readonly decaySteps: number;
  /** Final value (default 0). */
  readonly end?: number;
}

/**
 * The usual transformer schedule: {@link linearWarmup} to `peak`, then
 * {@link cosineDecay} to `end`, joined at `warmupSteps`.
 *
 * @example
 * ```ts
 * import { adamw, warmupCosineDecay } from '@tapestry/optim';
 * adamw({ lr: warmupCosineDecay({ peak: 1e-3, warmupSteps: 500, decaySteps: 10_000 }) });
 * ```
 */
export function warmupCosineDecay(options: WarmupCosineDecayOptions): Schedule {
  const { init = 0, peak, warmupSteps, decaySteps, end = 0 } = options;
  checkSteps('warmupCosineDecay', 'warmupSteps', warmupSteps, true);
  if (!Number.isInteger(decaySteps) || decaySteps <= warmupSteps) {
    throw new ValueError(`warmupCosineDecay: decaySteps must be an integer greater than warmupSteps (${warmupSteps}), got ${String(decaySteps)}`);
  }
  return joinSchedules(
    [linearWarmup({ init, peak, warmupSteps }), cosineDecay({ init: peak, decaySteps: decaySteps - warmupSteps, end })],
    [warmupSteps],
  );
}
