import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLossCase, runRecurrentCase, type CaseResult } from './layers/index.js';
import { runOptimizerCase } from './optimizer-case.js';
import { runTrainingCase } from './training-case.js';

/** One line of the conformance report. */
export interface Verdict extends CaseResult {
  /** The fixture file it came from. */
  file: string;
}

type Runner = (fixture: unknown) => CaseResult[];

/** Which runner handles each fixture kind. Every package contributes the kinds it owns. */
const RUNNERS: Record<string, Runner> = {
  cell: (f) => [runRecurrentCase(f)],
  recurrent: (f) => [runRecurrentCase(f)],
  loss: (f) => [runLossCase(f)],
  optimizer: (f) => runOptimizerCase(f),
  clip_grad_norm: (f) => runOptimizerCase(f),
  training: (f) => [runTrainingCase(f)],
};

/** The fixture kinds this runner understands. */
export const KNOWN_KINDS = Object.keys(RUNNERS);

/** Runs one fixture file; a file that cannot be read or parsed, or of an unknown kind, is a failed verdict. */
export function runFile(path: string, file: string): Verdict[] {
  let fixture: { case?: string; kind?: string };
  try {
    fixture = JSON.parse(readFileSync(path, 'utf8')) as typeof fixture;
  } catch (e) {
    return [{ file, name: file, ok: false, detail: `cannot read: ${(e as Error).message}` }];
  }
  const runner = fixture.kind === undefined ? undefined : RUNNERS[fixture.kind];
  if (runner === undefined) return [{ file, name: fixture.case ?? file, ok: false, detail: `unknown kind '${fixture.kind}' (known: ${KNOWN_KINDS.join(', ')})` }];
  try {
    return runner(fixture).map((r) => ({ ...r, file }));
  } catch (e) {
    return [{ file, name: fixture.case ?? file, ok: false, detail: `error: ${(e as Error).message}` }];
  }
}

/** Runs every `*.json` fixture in `folder` (except `index.json`), in name order. */
export function runFolder(folder: string): Verdict[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .flatMap((f) => runFile(join(folder, f), f));
}
