// The trace being recorded, if any. A module of its own so that `defineOp` (which every
// op goes through) can consult it without importing the tracer.

import type { OpSpec } from '../ops/op.js';
import type { Tensor } from '../tensor/tensor.js';

/** What `defineOp`'s `run` hands an op application to while a trace records. */
export interface ActiveTrace {
  /** Records `spec` applied to `inputs` and returns symbolic outputs. */
  apply(spec: OpSpec<unknown>, inputs: readonly Tensor[], attrs: unknown): Tensor[];
}

let current: ActiveTrace | undefined;

/** The trace recording now, or `undefined` (the common case: ops run eagerly). */
export function activeTrace(): ActiveTrace | undefined {
  return current;
}

/** Runs `fn` with `trace` recording every op application (or none, for `undefined`). */
export function withActiveTrace<T>(trace: ActiveTrace | undefined, fn: () => T): T {
  const outer = current;
  current = trace;
  try {
    return fn();
  } finally {
    current = outer;
  }
}
