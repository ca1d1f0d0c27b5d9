/**
 * The training loop every task shares: compute loss and gradients with
 * `valueAndGrad`, let the optimizer step, tick the progress bar, stop early on Ctrl-C.
 */
import { valueAndGradWithAux, type Tensor } from '@tapestry/core';
import type { Optimizer } from '@tapestry/optim';
import type { Progress } from '../cli/progress.js';
import { resumeRun, saveRun, type Resumable } from './checkpoint.js';

/** What one step's loss function returns: the loss, and anything to carry forward. */
export type StepLoss<P, A> = (params: P, step: number) => readonly [Tensor, A];

/** Options of {@link train}. */
export interface TrainOptions<P, S, A> {
  readonly label: string;
  readonly params: P;
  readonly optimizer: Optimizer<S>;
  readonly steps: number;
  /** The loss at step `step` (which batch to use is the caller's business). */
  readonly loss: StepLoss<P, A>;
  readonly progress: Progress;
  /** Items per step for the speed readout (e.g. tokens); default: steps/s. */
  readonly itemsPerStep?: number;
  readonly unit?: string;
  /** Called after each step with the new parameters and the step's aux value. */
  readonly after?: (step: number, loss: number, params: P, aux: A, optState: S) => void;
  /** What else the steps depend on, for `--save`/`--resume` to be bit-identical (generators, a carried state). */
  readonly resumable?: Resumable;
  /** Checked after each step (and `after`): true ends training early, as a success, not an interruption. */
  readonly stopWhen?: (step: number, params: P) => boolean;
}

/** The outcome of {@link train}. */
export interface TrainResult<P> {
  readonly params: P;
  /** Training loss of each completed step. */
  readonly losses: number[];
  /** Steps completed (fewer than asked when interrupted). */
  readonly steps: number;
  readonly interrupted: boolean;
  /** True when `stopWhen` ended training before `steps`. */
  readonly stoppedEarly: boolean;
  readonly seconds: number;
  /** Median wall time of one step, in ms: robust to other processes sharing the CPU. */
  readonly medianStepMs: number;
}

/**
 * Runs `steps` optimisation steps (fewer if the user presses Ctrl-C). Between steps it
 * yields to the event loop, which is what lets a Ctrl-C handler run at all while a
 * synchronous training loop is busy.
 */
export async function train<P, S, A>(o: TrainOptions<P, S, A>): Promise<TrainResult<P>> {
  const step = valueAndGradWithAux(o.loss);
  const plan = o.progress.checkpoints;
  const fresh = { params: o.params, state: o.optimizer.init(o.params), step: 0, losses: [] };
  const resumed = resumeRun(plan, o.label, fresh, o.resumable) ?? fresh;
  let { params, state } = resumed;
  const losses: number[] = [...resumed.losses];
  const bar = o.progress.bar(o.label, o.steps - resumed.step, o.unit);
  const times: number[] = [];
  const start = performance.now();
  let stoppedEarly = false;
  for (let k = resumed.step; k < o.steps && !o.progress.shouldStop(); k++) {
    const t0 = performance.now();
    const [[loss, aux], grads] = step(params, k);
    [params, state] = o.optimizer.step(grads, state, params);
    times.push(performance.now() - t0);
    const value = loss.item();
    losses.push(value);
    bar.tick({ loss: value, items: o.itemsPerStep });
    o.after?.(k, value, params, aux, state);
    saveRun(plan, o.label, { params, state, step: k + 1, losses }, o.resumable);
    await yieldToEventLoop();
    if (k + 1 < o.steps && o.stopWhen?.(k, params) === true) {
      stoppedEarly = true;
      break;
    }
  }
  saveRun(plan, o.label, { params, state, step: losses.length, losses }, o.resumable, true);
  const interrupted = losses.length < o.steps && !stoppedEarly;
  bar.done(interrupted ? '(interrupted)' : undefined);
  return { params, losses, steps: losses.length, interrupted, stoppedEarly, seconds: (performance.now() - start) / 1000, medianStepMs: median(times) };
}

/** Lets pending events (a SIGINT) run; costs a few microseconds. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
