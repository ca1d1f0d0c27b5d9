/**
 * Where checkpoints live: one folder per run, one file per saved step
 * (`checkpoint-000001200.safetensors`), the newest found by its step number, the
 * oldest removed once more than `keep` are there.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PATTERN = /^checkpoint-(\d{9,})\.safetensors$/;

/** The file name of the checkpoint of `step`; zero-padded so names sort by step. */
export function checkpointName(step: number): string {
  return `checkpoint-${String(step).padStart(9, '0')}.safetensors`;
}

/** The checkpoint files of `folder`, oldest step first (an absent folder has none). */
export function listCheckpoints(folder: string): { step: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, match: PATTERN.exec(name) }))
    .filter((x): x is { name: string; match: RegExpExecArray } => x.match !== null)
    .map(({ name, match }) => ({ step: Number(match[1]), path: join(folder, name) }))
    .sort((a, b) => a.step - b.step);
}

/** Creates `folder` (and its parents) unless it exists; throws naming it if it is a file or cannot be made. */
export function ensureFolder(folder: string): void {
  try {
    if (statSync(folder).isDirectory()) return;
    throw new Error(`saveCheckpoint: ${folder} is a file, not a folder`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw new Error(`saveCheckpoint: cannot create the folder ${folder}: ${(e as Error).message}`, { cause: e });
  }
}

/** Removes all but the newest `keep` checkpoints of `folder` (only after a new one is safely written). */
export function pruneCheckpoints(folder: string, keep: number): void {
  const all = listCheckpoints(folder);
  for (const { path } of all.slice(0, Math.max(0, all.length - keep))) rmSync(path, { force: true });
}

/** True if `path` is an existing folder. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
