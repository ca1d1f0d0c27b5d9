/** The `--save`, `--resume` and `--save-every` flags every example program takes. */
import type { JsonValue } from '@tapestry/core/node';
import type { CheckpointPlan } from '../train/checkpoint.js';
import { flag } from './flags.js';

/** Flag specs shared by every program (added by `main`). */
export const checkpointFlags = {
  save: flag.path('save a checkpoint of each training run in this folder (one sub-folder per run; the newest 3 are kept)'),
  resume: flag.path('continue each training run from its newest checkpoint in this folder (as written by --save)', { mustExist: true }),
  saveEvery: flag.int(0, 'with --save, also save every this many steps (0: only at the end or on Ctrl-C)', { min: 0 }),
} as const;

/** The parsed {@link checkpointFlags}. */
export interface CheckpointFlags {
  readonly save?: string;
  readonly resume?: string;
  readonly saveEvery?: number;
}

/** The plan the training loop follows, from the parsed flags and the program's config. */
export function checkpointPlan(flags: CheckpointFlags, config: unknown): CheckpointPlan {
  return { save: flags.save, resume: flags.resume, every: flags.saveEvery ?? 0, config: JSON.parse(JSON.stringify(config ?? null)) as JsonValue, provenance: [] };
}
