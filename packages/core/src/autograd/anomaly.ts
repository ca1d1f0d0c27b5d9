import { AnomalyError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

let enabled = false;

/**
 * Runs `fn` with anomaly detection: every op (forward and backward) checks its outputs,
 * and the first one that produces NaN or ±Infinity throws an {@link AnomalyError}
 * naming the op and its input shapes — and, during a reverse sweep, the forward op
 * whose backward rule ran it. Without it, NaN and Infinity propagate silently as in
 * IEEE arithmetic. Off by default because the check reads every output element.
 *
 * @example
 * ```ts
 * import { AnomalyError, detectAnomaly, log, tensor } from '@tapestry/core';
 * try {
 *   detectAnomaly(() => log(tensor([-1])));
 * } catch (e) {
 *   e instanceof AnomalyError; // true: "log produced NaN at flat index 0 of its output [1] …"
 * }
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const before = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/** True inside {@link detectAnomaly}. */
export function anomalyDetectionEnabled(): boolean {
  return enabled;
}

let backwardOf: string | undefined;

/**
 * Tells anomaly reports which op's backward rule is running (`undefined` outside the
 * reverse sweep); returns the previous value so the sweep can restore it.
 */
export function setBackwardContext(op: string | undefined): string | undefined {
  const previous = backwardOf;
  backwardOf = op;
  return previous;
}

/** Throws when anomaly detection is on and an output of `op` is not finite. */
export function checkFinite(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
  if (!enabled) return;
  for (const out of outputs) {
    const data = out.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        const shapes = inputs.map((t) => formatShape(t.shape)).join(', ');
        const during = backwardOf === undefined ? '' : ` in the backward rule of ${backwardOf}`;
        throw new AnomalyError(`${op}${during} produced ${data[i]} at flat index ${i} of its output ${formatShape(out.shape)} (inputs: ${shapes})`);
      }
    }
  }
}
