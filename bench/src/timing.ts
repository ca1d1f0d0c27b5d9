/**
 * Wall-clock timing of warm-up plus timed iterations under a time budget.
 *
 * The budget exists because some library/workload pairs are far too slow to
 * run as specified (tfjs-cpu needs ~25 s per W2 step). Rather than letting one
 * row stall the suite, a run cuts iterations — never below one timed
 * iteration — and the cut is reported next to the figure.
 */

/** Thrown when not even one timed iteration fits; the row shows "—" with the reason. */
export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
}

export interface IterationPlan {
  readonly warmup: number;
  readonly timed: number;
  /** Word for one iteration in notes ("epoch", "step", ...). */
  readonly noun: string;
  /** Optional extra for the skip reason, given one iteration's milliseconds. */
  readonly describe?: (iterationMs: number) => string;
}

export interface Timing {
  readonly samplesMs: number[];
  /** Set when the budget cut warm-up or timed iterations. */
  readonly note?: string;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timeOnce(step: () => void | Promise<void>): Promise<number> {
  const t0 = performance.now();
  await step();
  return performance.now() - t0;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Runs `plan.warmup` untimed then `plan.timed` timed calls of `step`, which
 * must not return before its results are computed (read a value back).
 * A first iteration longer than half the budget is a skip: there would be no
 * room for warm-up and a median.
 */
export async function timeIterations(
  step: () => void | Promise<void>,
  plan: IterationPlan,
  budgetSeconds: number,
): Promise<Timing> {
  const budgetMs = budgetSeconds * 1000;
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  let estimate = 0;
  let warmed = 0;
  while (warmed < Math.max(plan.warmup, 1)) {
    estimate = await timeOnce(step);
    warmed += 1;
    if (warmed === 1 && estimate > budgetMs / 2) throw tooSlow(plan, estimate, budgetMs);
    // Keep room for at least one timed iteration after the warm-up.
    if (elapsed() + 2 * estimate > budgetMs) break;
  }
  const samplesMs: number[] = [];
  while (samplesMs.length < plan.timed) {
    samplesMs.push(await timeOnce(step));
    if (elapsed() + median(samplesMs) > budgetMs) break;
  }
  return { samplesMs, ...cutNote(plan, warmed, samplesMs.length, budgetSeconds) };
}

function tooSlow(plan: IterationPlan, ms: number, budgetMs: number): BudgetExceeded {
  const extra = plan.describe === undefined ? '' : `, ${plan.describe(ms)}`;
  return new BudgetExceeded(
    `one ${plan.noun} took ${seconds(ms)}${extra} — over half the ${seconds(budgetMs)} budget`,
  );
}

function cutNote(plan: IterationPlan, warmed: number, timed: number, budgetSeconds: number): { note?: string } {
  const warmCut = warmed < plan.warmup;
  const timedCut = timed < plan.timed;
  if (!warmCut && !timedCut) return {};
  const parts = [`${timed} of ${plan.timed} timed ${plan.noun}s`];
  if (warmCut) parts.push(`${warmed} of ${plan.warmup} warm-up`);
  return { note: `${parts.join(', ')} (budget ${budgetSeconds} s)` };
}

/**
 * How many back-to-back calls of `fn` take at least `targetMs` — so that a
 * fast operation (a 64×64 matmul) is timed in batches rather than as timer
 * noise. Doubles the count until it does, like Python's timeit.autorange,
 * after calling `fn` untimed for `targetMs`: cold calls (JIT, allocation)
 * are many times slower and would make the count far too small.
 */
export function calibrateReps(fn: () => void, targetMs: number): number {
  const warmStart = performance.now();
  do fn();
  while (performance.now() - warmStart < targetMs);
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    if (performance.now() - t0 >= targetMs || reps >= 1 << 20) return reps;
    reps *= 2;
  }
}
