import { backward } from '../autograd/backward.js';
import { Tape, withTape } from '../autograd/tape.js';
import { GradientError } from '../errors.js';
import { cast } from '../ops/cast.js';
import { mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { Rng } from '../random/rng.js';
import { onesLike } from '../tensor/create.js';
import { isFloat } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of {@link checkGradients}. */
export interface CheckGradientsOptions {
  /**
   * Step `h` of the fourth-order central difference (default 1e-3; the stencil reaches
   * ±2h, so keep inputs at least 2h away from kinks such as relu at 0).
   */
  eps?: number;
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance, for gradients that are ~0 (default 1e-9). */
  atol?: number;
  /** Seed of the random output projection (default 0). */
  seed?: number;
  /** Indices of the inputs to check (default: every float input). */
  wrt?: readonly number[];
}

/** The worst disagreement found by {@link checkGradients}. */
export interface GradientMismatch {
  /** Which input. */
  input: number;
  /** Flat (row-major) index of the element within that input. */
  index: number;
  /** The same element as a multi-index, e.g. `[1, 0, 2]`. */
  position: number[];
  /** Gradient from the tape. */
  analytic: number;
  /** Gradient from central differences. */
  numeric: number;
  /** `|analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|))`; ≤ 1 passes. */
  ratio: number;
}

/** What {@link checkGradients} found. */
export interface GradientReport {
  /** True when every element is within tolerance. */
  ok: boolean;
  /** The element with the largest tolerance ratio (undefined when nothing was checked). */
  worst: GradientMismatch | undefined;
  /** Number of elements compared. */
  checked: number;
  /** A one-line description, used as the error message by {@link assertGradients}. */
  summary: string;
}

/**
 * Compares the tape's gradients of `f` with central differences, in float64, and
 * reports the worst element (input, flat index and multi-index).
 *
 * Inputs are converted to float64 (so `f` must be dtype-generic, as all Tapestry ops
 * are) and a non-scalar output is reduced to `L = Σ f(x)·r` with a fixed random `r`,
 * which checks the full vector–Jacobian product. Every element of every float input is
 * perturbed, and `∂L/∂x` is estimated with the fourth-order central difference
 * `(L(x−2h) − 8L(x−h) + 8L(x+h) − L(x+2h)) / 12h`, `h = 1e-3`: its truncation error
 * (~h⁴·L⁽⁵⁾/30 ≈ 3e-14·L⁽⁵⁾) and rounding error (~ε·|L|/h ≈ 2e-13·|L|) both sit far
 * below the default `rtol` of 1e-6. (The two-point formula with h = 1e-6 has rounding
 * error ~1e-10·|L|, which reaches the tolerance on near-zero gradient entries.)
 *
 * @example
 * ```ts
 * import { tanh, matmul, tensor } from '@tapestry/core';
 * import { checkGradients } from '@tapestry/core/testing';
 * const report = checkGradients((x, w) => tanh(matmul(x, w)), [tensor([[0.1, 0.2]]), tensor([[0.3], [0.4]])]);
 * report.ok; // true
 * ```
 */
export function checkGradients(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: CheckGradientsOptions = {}): GradientReport {
  const { eps = 1e-3, rtol = 1e-6, atol = 1e-9, seed = 0 } = options;
  const xs = inputs.map((x) => (isFloat(x.dtype) ? cast(x, 'float64') : x));
  const wrt = options.wrt ?? xs.map((x, i) => (isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);
  const probe = xs.slice();
  const out = f(...probe);
  const projection = new Rng(seed).normal(out.shape, { dtype: 'float64' });
  const scalarLoss = (args: Tensor[]): number => sum(mul(cast(f(...args), 'float64'), projection)).item();

  const analytic = tapeGradients(f, xs, wrt, projection);
  let worst: GradientMismatch | undefined;
  let checked = 0;
  wrt.forEach((inputIndex, k) => {
    const x = xs[inputIndex];
    for (let i = 0; i < x.size; i++) {
      const numeric = centralDifference(scalarLoss, xs, inputIndex, i, eps);
      const a = analytic[k].data[i];
      const ratio = Math.abs(a - numeric) / (atol + rtol * Math.max(Math.abs(a), Math.abs(numeric)));
      checked++;
      // A NaN ratio (NaN or infinite gradient) is the worst possible outcome and stays so.
      if (worst === undefined || (!Number.isNaN(worst.ratio) && (Number.isNaN(ratio) || ratio > worst.ratio))) {
        worst = { input: inputIndex, index: i, position: unravel(i, x.shape), analytic: a, numeric, ratio };
      }
    }
  });
  const ok = worst === undefined || worst.ratio <= 1;
  const summary =
    worst === undefined
      ? 'checkGradients: nothing to check'
      : `checkGradients: ${ok ? 'ok' : 'MISMATCH'} — worst at input ${worst.input} ${formatShape(xs[worst.input].shape)} element ${worst.index} ${formatShape(worst.position)}: ` +
        `tape ${worst.analytic}, numeric ${worst.numeric} (${worst.ratio.toFixed(3)}× tolerance, ${checked} elements)`;
  return { ok, worst, checked, summary };
}

/** {@link checkGradients}, throwing a {@link GradientError} with the report when it fails. */
export function assertGradients(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: CheckGradientsOptions = {}): GradientReport {
  const report = checkGradients(f, inputs, options);
  if (!report.ok) throw new GradientError(report.summary);
  return report;
}

function tapeGradients(f: (...inputs: Tensor[]) => Tensor, xs: Tensor[], wrt: readonly number[], projection: Tensor): Tensor[] {
  const tape = new Tape();
  for (const i of wrt) tape.watch(xs[i]);
  const out = withTape(tape, () => f(...xs));
  if (!isFloat(out.dtype)) throw new GradientError(`checkGradients: the function returned an ${out.dtype} tensor`);
  const seed = mul(onesLike(cast(out, 'float64')), projection);
  return backward(tape, [out], [cast(seed, out.dtype)], wrt.map((i) => xs[i])).map((g) => cast(g, 'float64'));
}

function centralDifference(loss: (args: Tensor[]) => number, xs: Tensor[], inputIndex: number, element: number, eps: number): number {
  const x = xs[inputIndex];
  const shifted = (delta: number): number => {
    const data = Float64Array.from(x.data);
    data[element] += delta;
    const args = xs.slice();
    args[inputIndex] = new Tensor(x.shape, data);
    return loss(args);
  };
  return (shifted(-2 * eps) - 8 * shifted(-eps) + 8 * shifted(eps) - shifted(2 * eps)) / (12 * eps);
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return out;
}
