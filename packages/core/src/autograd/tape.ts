import type { Tensor } from '../tensor/tensor.js';
import type { DifferentiableOpSpec } from '../ops/op.js';

/** One recorded op application: what the reverse sweep needs to call its vjp. */
export interface TapeEntry {
  /** The op that ran. */
  readonly spec: DifferentiableOpSpec<unknown>;
  /** Its inputs. */
  readonly inputs: readonly Tensor[];
  /** Its outputs (always tensors created by the op). */
  readonly outputs: readonly Tensor[];
  /** Its non-tensor arguments. */
  readonly attrs: unknown;
  /** What its forward saved for the backward rule, if anything. */
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
  // Tracked tensor ids. Outputs of recorded ops are fresh, increasing ids, so they are
  // marked in a byte map indexed from the first one (cheaper than a Set of 10⁵ ids);
  // watched tensors, and any older id, go to a small Set.
  private readonly older = new Set<number>();
  private marks = new Uint8Array(256);
  private base = -1;
  /** A paused tape records nothing (it is paused during its own reverse sweep). */
  paused = false;
  private discarded: (() => void)[] | undefined;

  /** @param recordAll - record every op, not only those downstream of watched tensors. */
  constructor(readonly recordAll = false) {}

  /** Marks `t` as a source: ops that depend on it will be recorded. */
  watch(t: Tensor): void {
    this.older.add(t.id);
  }

  /** True when ops reading `t` are recorded. */
  tracks(t: Tensor): boolean {
    return this.recordAll || this.has(t.id);
  }

  /** True when `t` is watched or was produced by a recorded op: a gradient can reach it. */
  tracksGradient(t: Tensor): boolean {
    return this.has(t.id);
  }

  /**
   * Registers `fn` to run when the tape is {@link Tape.discard}ed: an op whose saved
   * values live in reusable buffers (a compiled loop's per-step slabs) hands them back
   * then, once no sweep can read them again.
   */
  onDiscard(fn: () => void): void {
    (this.discarded ??= []).push(fn);
  }

  /**
   * Declares that no reverse sweep will read this tape again (a later sweep throws) and
   * runs the {@link Tape.onDiscard} callbacks (once). `grad` and `valueAndGrad` call it after
   * their single sweep; a tape whose owner may sweep again (`record`, `vjp`) is never
   * discarded, and its ops' buffers are simply collected with it.
   */
  discard(): void {
    const callbacks = this.discarded;
    this.discarded = undefined;
    this.wasDiscarded = true;
    if (callbacks !== undefined) for (const fn of callbacks) fn();
  }

  /** True once {@link Tape.discard} was called: sweeping it again throws. */
  get isDiscarded(): boolean {
    return this.wasDiscarded;
  }

  private wasDiscarded = false;

  /** Appends `entry` when it depends on this tape's sources. */
  offer(entry: TapeEntry): void {
    if (this.paused) return;
    if (!this.recordAll && !this.anyTracked(entry.inputs)) return;
    this.entries.push(entry);
    const outputs = entry.outputs;
    for (let i = 0; i < outputs.length; i++) this.mark(outputs[i].id);
  }

  private anyTracked(inputs: readonly Tensor[]): boolean {
    for (let i = 0; i < inputs.length; i++) if (this.has(inputs[i].id)) return true;
    return false;
  }

  private has(id: number): boolean {
    const k = id - this.base;
    if (this.base >= 0 && k >= 0 && k < this.marks.length && this.marks[k] === 1) return true;
    return this.older.size > 0 && this.older.has(id);
  }

  private mark(id: number): void {
    if (this.base < 0) this.base = id;
    const k = id - this.base;
    // Ids below the base, or so far above it that the byte map would be mostly empty (a
    // long-lived tape recording rarely), go to the Set instead.
    if (k < 0 || (k >= this.marks.length && k > 16 * (this.entries.length + 4096))) {
      this.older.add(id);
      return;
    }
    if (k >= this.marks.length) {
      const grown = new Uint8Array(Math.max(2 * this.marks.length, k + 1));
      grown.set(this.marks);
      this.marks = grown;
    }
    this.marks[k] = 1;
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

// How many `withTape` scopes are open, counted through `noGrad` (which hides the tapes
// but does not end them): `dispose` refuses to free storage a tape may still read.
let openTapeScopes = 0;

/** Runs `fn` with `tape` recording (in addition to any tapes already active). */
export function withTape<T>(tape: Tape, fn: () => T): T {
  const tapes = activeTapes;
  tapes.push(tape);
  openTapeScopes++;
  try {
    return fn();
  } finally {
    openTapeScopes--;
    tapes.splice(tapes.lastIndexOf(tape), 1);
  }
}

/** True inside a transform that records (`grad`, `valueAndGrad`, `vjp`, `record`…), even under `noGrad`. */
export function insideTapeScope(): boolean {
  return openTapeScopes > 0;
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

/** How many tapes would record an op run now (more than one: a transform nested in another, as for higher derivatives). */
export function recordingTapeCount(): number {
  let n = 0;
  for (const tape of activeTapes) if (!tape.paused) n++;
  return n;
}

/** The one tape an op run now would be recorded on, or `undefined` when none or several record. */
export function soleRecordingTape(): Tape | undefined {
  let sole: Tape | undefined;
  for (const tape of activeTapes) {
    if (tape.paused) continue;
    if (sole !== undefined) return undefined;
    sole = tape;
  }
  return sole;
}

/** True when an op run now would be offered to some tape (used by fused ops to pick a backward path). */
export function isRecording(): boolean {
  for (const tape of activeTapes) if (!tape.paused) return true;
  return false;
}
