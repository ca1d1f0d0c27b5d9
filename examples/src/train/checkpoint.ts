/**
 * Saving and resuming the shared training loop: `--save DIR` writes a checkpoint of
 * every training run (its own sub-folder, named after the run), `--resume DIR` continues
 * each run from its newest checkpoint, bit for bit as if it had never stopped. The loop
 * saves parameters, optimizer state, the step, the loss history and the run's config;
 * a task adds whatever else its steps depend on (see {@link Resumable}).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Rng } from '@tapestry/core';
import { loadState } from '@tapestry/optim';
import { listCheckpoints, loadCheckpoint, loadSafetensors, saveCheckpoint, type JsonValue } from '@tapestry/core/node';

/** Where a program saves and resumes, from its flags; passed to every training run through `Progress`. */
export interface CheckpointPlan {
  /** Folder to save checkpoints in (one sub-folder per training run). */
  readonly save?: string;
  /** Folder to resume from (the same layout `save` writes). */
  readonly resume?: string;
  /** Save every this many steps as well as at the end (0: at the end only). */
  readonly every: number;
  /** The program's config, stored in every checkpoint. */
  readonly config: JsonValue;
  /** One line per resumed or saved run, for the summary and the report. */
  readonly provenance: string[];
}

/** What else a task's steps depend on, so that a resumed run is bit-identical. */
export interface Resumable {
  /** Generators the loss draws from each step (dropout masks, sampled batches), restored in place. */
  readonly rngs?: Readonly<Record<string, Rng>>;
  /** A state carried from step to step (a tree of tensors and scalars, e.g. an LSTM state across batches). */
  readonly carry?: { get(): unknown; set(value: unknown): void };
}

/** The training state the loop hands over. */
export interface LoopState<P, S> {
  readonly params: P;
  readonly state: S;
  /** Steps completed. */
  readonly step: number;
  readonly losses: readonly number[];
}

/** The sub-folder of one training run: its label made file-safe (`sine lstm 1×32` → `sine-lstm-1x32`). */
export function runFolder(root: string, label: string): string {
  return join(root, label.replace(/×/g, 'x').replace(/[^A-Za-z0-9._-]+/g, '-'));
}

/**
 * The state to continue from, if the plan says to resume: throws an error naming the
 * file and the key when the checkpoint does not fit (another model, another optimizer,
 * a corrupt file, an impossible value).
 */
export function resumeRun<P, S>(plan: CheckpointPlan | undefined, label: string, fresh: LoopState<P, S>, resumable: Resumable = {}): LoopState<P, S> | undefined {
  if (plan?.resume === undefined) return undefined;
  const folder = runFolder(plan.resume, label);
  const loaded = loadCheckpoint(folder, { params: fresh.params, optimizer: fresh.state, extra: { carry: resumable.carry?.get() } });
  if (loaded._tag === 'Left') throw new Error(`cannot resume ${label}: ${loaded.left.message}`);
  const { right: c } = loaded;
  // The optimizer knows its own invariants (counts, non-negative second moments): its
  // loader checks the restored tree against the fresh state.
  const state = loadState(fresh.state, c.optimizer);
  if (state._tag === 'Left') throw new Error(`cannot resume ${label}: ${c.file}: ${state.left.message}`);
  for (const [name, rng] of Object.entries(resumable.rngs ?? {})) {
    const saved = c.rngs[name];
    if (saved === undefined) throw new Error(`cannot resume ${label}: ${c.file} has no generator '${name}'`);
    rng.setState(saved.state());
  }
  resumable.carry?.set(c.extra.carry);
  plan.provenance.push(`${label}: resumed from ${c.file} (step ${c.step})`);
  return { params: c.params, state: state.right, step: c.step, losses: lossesOf(c.data) };
}

/** Saves a run's state if the plan says to (at `every` steps and when `final`); returns the file written. */
export function saveRun<P, S>(plan: CheckpointPlan | undefined, label: string, s: LoopState<P, S>, resumable: Resumable = {}, final = false): string | undefined {
  if (plan?.save === undefined) return undefined;
  if (!final && (plan.every <= 0 || s.step % plan.every !== 0)) return undefined;
  const file = saveCheckpoint(runFolder(plan.save, label), {
    params: s.params,
    optimizer: s.state,
    rngs: resumable.rngs ?? {},
    step: s.step,
    // JSON has no NaN: a diverged step's loss is stored as null and read back as NaN.
    // The run's label says which of a program's runs this is (`charlm --checkpoint` needs to know).
    data: { run: label, step: s.step, losses: [...s.losses] },
    config: plan.config,
    extra: { carry: resumable.carry?.get() },
  });
  if (final) plan.provenance.push(`${label}: saved ${file} (step ${s.step})`);
  return file;
}

/** The loss history a checkpoint's `data` holds (empty if none). */
export function lossesOf(data: JsonValue): number[] {
  const losses = (data as { losses?: unknown } | null)?.losses;
  return Array.isArray(losses) ? losses.map((x) => (typeof x === 'number' ? x : Number.NaN)) : [];
}

/**
 * The checkpoint files `path` names: the file itself, the newest checkpoint of a run
 * folder, or — for a `--save` folder — the newest checkpoint of each run whose folder
 * name starts with `prefix`, in name order. Throws naming the path when there is none.
 */
export function resolveCheckpoints(path: string, prefix: string): string[] {
  if (!isFolder(path)) return [path];
  const own = listCheckpoints(path);
  if (own.length > 0) return [own[own.length - 1].path];
  const runs = readdirSync(path)
    .filter((name) => name.startsWith(prefix) && listCheckpoints(join(path, name)).length > 0)
    .sort();
  if (runs.length === 0) throw new Error(`${path}: holds no checkpoint of a ${prefix} run (neither a checkpoint file nor a folder written by --save)`);
  return runs.map((name) => {
    const found = listCheckpoints(join(path, name));
    return found[found.length - 1].path;
  });
}

/** Like {@link resolveCheckpoints}, for one run: throws naming the path when it holds several. */
export function resolveCheckpoint(path: string, prefix: string): string {
  const files = resolveCheckpoints(path, prefix);
  if (files.length > 1) throw new Error(`${path}: holds several ${prefix} runs (${files.map((f) => basename(dirname(f))).join(', ')}); name one`);
  return files[0];
}

/**
 * What a checkpoint's metadata says about its run (its tensors are not checked here —
 * `loadCheckpoint` does that against a model): the program's config, to rebuild the
 * model it was trained with, and the run's label — which of the program's runs it is;
 * absent in checkpoints not written by `--save`. Throws an error naming the file and
 * the key.
 */
export function savedRun(file: string): { config: Record<string, unknown>; run: string | undefined } {
  const loaded = loadSafetensors(file);
  if (loaded._tag === 'Left') throw new Error(loaded.left.message);
  const json = (key: string): unknown => {
    try {
      return JSON.parse(loaded.right.metadata[key] ?? 'null');
    } catch {
      return undefined;
    }
  };
  const config = json('config');
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new Error(`${file}: 'config': is not a run config (not a checkpoint written by --save?)`);
  const run = (json('data') as { run?: unknown } | null)?.run;
  return { config: config as Record<string, unknown>, run: typeof run === 'string' ? run : undefined };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
