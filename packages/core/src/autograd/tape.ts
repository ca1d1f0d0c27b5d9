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

// The tapes currently recording, innermost last. `noGrad` swaps in an empty list, so the
// tapes outside it record nothing while a transform started inside it still records on
// its own tape.
let activeTapes: Tape[] = [];

/** Called by every differentiable op after its forward: offers the application to each active tape. */
export function recordOp(
  spec: DifferentiableOpSpec<never>,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: unknown,
  saved: unknown,
): void {
  const tapes = activeTapes;
  if (tapes.length === 0) return;
  const entry: TapeEntry = { spec: spec as DifferentiableOpSpec<unknown>, inputs, outputs, attrs, saved };
  for (let i = 0; i < tapes.length; i++) tapes[i].offer(entry);
}

/** Runs `fn` with `tape` recording (in addition to any tapes already active). */
export function withTape<T>(tape: Tape, fn: () => T): T {
  const tapes = activeTapes;
  tapes.push(tape);
  try {
    return fn();
  } finally {
    tapes.splice(tapes.lastIndexOf(tape), 1);
  }
}

/**
 * Runs `fn` without recording on any tape active outside it: for evaluation, sampling
 * and parameter updates, where no gradient is wanted and recording would only cost
 * memory. A transform called inside `fn` (e.g. `grad`) still works: it records on its
 * own tape.
 *
 * @example
 * ```ts
 * import { noGrad, tanh, tensor } from '@tapestry/core';
 * const y = noGrad(() => tanh(tensor([0.5])));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const outer = activeTapes;
  activeTapes = [];
  try {
    return fn();
  } finally {
    activeTapes = outer;
  }
}

/**
 * Hides the active tapes (ops run now are recorded nowhere) and returns them for
 * {@link resumeTapes}; `undefined` when none were active. Used around an op's forward,
 * so that ops a forward happens to use do not appear on tapes besides the op itself.
 */
export function suspendTapes(): Tape[] | undefined {
  if (activeTapes.length === 0) return undefined;
  const outer = activeTapes;
  activeTapes = [];
  return outer;
}

/** Restores the tapes returned by {@link suspendTapes}. */
export function resumeTapes(tapes: Tape[] | undefined): void {
  if (tapes !== undefined) activeTapes = tapes;
}

/** True when an op run now would be offered to some tape (used by fused ops to pick a backward path). */
export function isRecording(): boolean {
  for (const tape of activeTapes) if (!tape.paused) return true;
  return false;
}
