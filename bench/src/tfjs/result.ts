import { peakRssMiB } from '../memory.js';
import type { Timing } from '../timing.js';
import type { WorkloadResult } from '../types.js';
import { backendThreads } from './backend.js';

type Headline = Pick<WorkloadResult, 'figure' | 'unit' | 'higherIsBetter'> &
  Partial<Pick<WorkloadResult, 'finalLoss' | 'series'>>;

/** Assembles a result; reads peak RSS last, after everything was measured. */
export function tfjsResult(headline: Headline, timing: Timing): WorkloadResult {
  return {
    ...headline,
    samplesMs: timing.samplesMs,
    threads: backendThreads(),
    peakRssMiB: peakRssMiB(),
    ...(timing.note === undefined ? {} : { note: timing.note }),
  };
}
