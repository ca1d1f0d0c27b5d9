import type { Tensor } from '../tensor/tensor.js';

/**
 * The buffers one run of a compiled loop keeps for its backward pass: every step's
 * stored values (`[T, …]` slabs), the loop-invariant values the backward reads, and the
 * per-step operands of gradients summed once over all steps.
 */
export interface RunBuffers {
  /** Per stored forward value: its `[T, …]` slab. */
  readonly stored: Tensor[];
  /** Per loop-invariant value the backward reads: its copy. */
  readonly invariants: Tensor[];
  /** Per backward value the deferred sums read that no forward slab holds: the `[T, …]` slab the backward fills. */
  readonly backwardStored: Tensor[];
}

/**
 * Reuses {@link RunBuffers} across runs of one compiled loop. The lifetime rule: a
 * run's buffers are read by its backward for as long as a tape holding the run can
 * still be swept. They return here only when that tape is discarded — `grad` and
 * `valueAndGrad` discard theirs after their one sweep — and only when the run was
 * recorded on that tape alone (one active tape at run time). Anything else (a
 * `record` handle, a `vjp` pullback, an exception) never returns them: they are
 * garbage-collected with the run, and the next run allocates its own.
 */
export class SlabPool {
  private free: RunBuffers[] = [];
  private steps = -1;

  constructor(private readonly allocate: (steps: number) => RunBuffers) {}

  /** Buffers for a run of `steps` steps: a returned set of that length, or new ones. */
  take(steps: number): RunBuffers {
    if (steps !== this.steps) {
      // Sets are kept for one sequence length: a loop run at many lengths would
      // otherwise keep one set per length alive.
      this.free = [];
      this.steps = steps;
    }
    return this.free.pop() ?? this.allocate(steps);
  }

  /** Hands back a set no backward will read again. */
  give(steps: number, buffers: RunBuffers): void {
    // One spare set is enough for a training loop (one run per step); a bidirectional
    // or stacked model runs the loop of each distinct cell once per step.
    if (steps === this.steps && this.free.length < 2) this.free.push(buffers);
  }
}
