import { peakRssMiB } from '../memory.js';
import type { Timing } from '../timing.js';
import type { WorkloadResult } from '../types.js';

type Headline = Pick<WorkloadResult, 'figure' | 'unit' | 'higherIsBetter'> & Partial<Pick<WorkloadResult, 'finalLoss' | 'series'>>;

let threads = 1;

/** Threads this child computes on: 1 (TypeScript and wasm kernels) unless the native backend was given more. */
export function tapestryThreads(): number {
  return threads;
}

/** Records the thread count the implementation's setup chose. */
export function setTapestryThreads(n: number): void {
  threads = n;
}

/**
 * Assembles a result; `check` is the self-check's verdict, appended to the note. Pass
 * `peakMiB` read right after the timed iterations when the self-check allocates more
 * (a float64 twin) than the workload itself.
 */
export function tapestryResult(headline: Headline, timing: Timing, check: string, peakMiB = peakRssMiB()): WorkloadResult {
  const note = [timing.note, check].filter((s) => s !== undefined && s !== '').join('; ');
  return { ...headline, samplesMs: timing.samplesMs, threads: tapestryThreads(), peakRssMiB: peakMiB, ...(note === '' ? {} : { note }) };
}

/**
 * Throws unless `a` and `b` agree to `rtol`. A self-check that fails fails the run:
 * speed must never come from skipping work.
 */
export function expectClose(what: string, a: number, b: number, rtol: number): string {
  const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
  if (!(rel <= rtol)) throw new Error(`self-check failed: ${what}: ${a} vs ${b} (relative ${rel.toExponential(2)} > ${rtol})`);
  return `checked: ${what} (rel. diff ${rel.toExponential(1)})`;
}
