import type { Tensor } from '@tapestry/core';
import { allocate, fromStorage, linspace } from '@tapestry/core';
import { checkInteger, checkOptionKeys } from '../errors.js';
import type { FloatDType } from '../padding.js';
import type { WindowPairs } from '../windows.js';
import { slidingWindows } from '../windows.js';

/** Options of {@link sineSeries} and {@link sineWindows}; the defaults are the tutorial's. */
export interface SineOptions {
  /** Number of samples, both ends included. Default 100. */
  points?: number;
  /** The last time value; the first is 0. Default 4π (two periods). */
  end?: number;
  /** Storage dtype. Default `'float32'`; the golden training tests use `'float64'`. */
  dtype?: FloatDType;
}

/** Options of {@link sineWindows}. */
export interface SineWindowOptions extends SineOptions {
  /** Window length n. Default 10. */
  windowLength?: number;
}

/** The sine series with its windows. */
export interface SineWindows extends WindowPairs {
  /** `x = sin(t)`, `[points]`. */
  readonly series: Tensor<FloatDType>;
}

/**
 * The tutorial's series: `t = linspace(0, 4π, 100)` (both ends included), `x = sin(t)`.
 * Values are computed in float64 and rounded once to the requested dtype.
 */
export function sineSeries(options: SineOptions = {}): Tensor<FloatDType> {
  checkOptionKeys('sineSeries', options, { points: true, end: true, dtype: true });
  const { points = 100, end = 4 * Math.PI, dtype = 'float32' } = options;
  checkInteger('sineSeries', 'points', points, 2);
  const t = linspace(0, end, points, 'float64').data;
  const x = allocate(dtype, points) as Float32Array | Float64Array;
  for (let i = 0; i < points; i++) x[i] = Math.sin(t[i]);
  return fromStorage<FloatDType>([points], x);
}

/**
 * The sine-prediction data set: windows `X[i] = x[i:i+10]`, `Y[i] = x[i+1:i+11]` for
 * i = 0..89, so `inputs` and `targets` are `[90, 10, 1]` with the defaults.
 *
 * @example
 * ```ts
 * import { sineWindows } from '@tapestry/data';
 * const { inputs: X, targets: Y } = sineWindows({ dtype: 'float64' }); // [90, 10, 1] each
 * ```
 */
export function sineWindows(options: SineWindowOptions = {}): SineWindows {
  checkOptionKeys('sineWindows', options, { points: true, end: true, dtype: true, windowLength: true });
  const { windowLength = 10, ...seriesOptions } = options;
  const series = sineSeries(seriesOptions);
  return { ...slidingWindows(series, windowLength), series };
}
