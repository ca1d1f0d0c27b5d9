import type { Tensor } from '../tensor/tensor.js';
import type { DifferentiableOpSpec } from '../ops/op.js';

/** One recorded op application: what the reverse sweep needs to call its vjp. */
export interface TapeEntry {
  readonly spec: DifferentiableOpSpec<unknown>;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly saved: unknown;
}

/**
 * A record of the ops applied to watched tensors, in order. An op is recorded when one
 * of its inputs is watched or was produced by a recorded op (or always, for a tape that
 * records everything). Tapes nest: while a tape runs its reverse sweep it is paused, and
 * any outer tape records the sweep's ops — which is how gradients of gradients work.
 */
export class Tape {
  /** The recorded entries, oldest first. */
  readonly entries: TapeEntry[] = [];
  private readonly tracked = new Set<number>();
  /** A paused tape records nothing (it is paused during its own reverse sweep). */
  paused = false;

  /** @param recordAll - record every op, not only those downstream of watched tensors. */
  constructor(readonly recordAll = false) {}

  /** Marks `t` as a source: ops that depend on it will be recorded. */
  watch(t: Tensor): void {
    this.tracked.add(t.id);
  }

  /** True when ops reading `t` are recorded. */
  tracks(t: Tensor): boolean {
    return this.recordAll || this.tracked.has(t.id);
  }

  /** Appends `entry` when it depends on this tape's sources. */
  offer(entry: TapeEntry): void {
    if (this.paused) return;
    if (!this.recordAll && !this.anyTracked(entry.inputs)) return;
    this.entries.push(entry);
    for (const o of entry.outputs) this.tracked.add(o.id);
  }

  private anyTracked(inputs: readonly Tensor[]): boolean {
    for (const t of inputs) if (this.tracked.has(t.id)) return true;
    return false;
  }
}

const activeTapes: Tape[] = [];
let disabledDepth = 0;

/** Called by every differentiable op after its forward: offers the application to each active tape. */
export function recordOp(
  spec: DifferentiableOpSpec<never>,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: unknown,
  saved: unknown,
): void {
  if (activeTapes.length === 0 || disabledDepth > 0) return;
  const entry: TapeEntry = { spec: spec as DifferentiableOpSpec<unknown>, inputs, outputs, attrs, saved };
  for (const tape of activeTapes) tape.offer(entry);
}

/** Runs `fn` with `tape` recording (in addition to any tapes already active). */
export function withTape<T>(tape: Tape, fn: () => T): T {
  activeTapes.push(tape);
  try {
    return fn();
  } finally {
    activeTapes.splice(activeTapes.lastIndexOf(tape), 1);
  }
}

/**
 * Runs `fn` without recording on any tape: for evaluation, sampling and parameter
 * updates, where no gradient is wanted and recording would only cost memory.
 *
 * @example
 * ```ts
 * import { noGrad, tanh, tensor } from '@tapestry/core';
 * const y = noGrad(() => tanh(tensor([0.5])));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  disabledDepth++;
  try {
    return fn();
  } finally {
    disabledDepth--;
  }
}

/** True when an op run now would be offered to some tape (used by fused ops to pick a backward path). */
export function isRecording(): boolean {
  if (disabledDepth > 0) return false;
  for (const tape of activeTapes) if (!tape.paused) return true;
  return false;
}
