/**
 * `charlm --checkpoint`: the character language model rebuilt from saved runs instead
 * of trained. The model's settings come from the checkpoint (the flags' defaults would
 * build another model); its parameters are checked against them by `loadCheckpoint`
 * (every name, shape and dtype); each run is then measured exactly as training measures
 * it at its last step, so the samples and numbers equal those of the run that saved it.
 */
import { basename, dirname } from 'node:path';
import { loadCheckpoint } from '@tapestry/core/node';
import { cellKinds } from '../models/recurrent.js';
import { lossesOf, resolveCheckpoints, runFolder, savedRun } from '../train/checkpoint.js';
import type { CharLmConfig } from './charlm.js';
import { measureLm, type Lm, type LmEval, type LmParams } from './lm-model.js';

/** The label of one character model's training run; `--save` names its sub-folder after it (`char-LM-lstm-2x64-dropout-0.3`). */
export function charRunLabel(c: { readonly cell: string; readonly layers: number; readonly hidden: number }, dropout: number): string {
  return `char LM ${c.cell} ${c.layers}×${c.hidden} dropout ${dropout}`;
}

/** The folder-name prefix of every character run under a `--save` folder. */
export const charRunPrefix = 'char-LM-';

/** The settings that define the model and its training: a checkpoint's replace the flags'. */
const modelKeys = ['text', 'cell', 'hidden', 'layers', 'embed', 'batch', 'seqLen', 'steps', 'lr', 'dropout'] as const;

/** One saved character run: its newest checkpoint file and its dropout. */
export interface SavedCharRun {
  readonly file: string;
  readonly dropout: number;
}

/** The runs a `--checkpoint` path names, and the config to rebuild their model with. */
export interface OpenedCharRuns<C> {
  readonly config: C;
  /** In training's order (dropout off, then on), so the better run is chosen as training chooses it. */
  readonly runs: readonly SavedCharRun[];
  /** The flags the checkpoint's settings replaced (`hidden 32`), for a log line. */
  readonly replaced: readonly string[];
}

/**
 * The character runs `path` names — a checkpoint file, a run folder, or a `--save`
 * folder (each of its character runs) — with `flags` whose model settings are replaced
 * by the checkpoint's. Throws an error naming the file and the key when a checkpoint is
 * not of a character model (another program's, the word-level model's) or the runs of a
 * folder are of different models.
 */
export function openCharRuns<C extends CharLmConfig>(path: string, flags: C): OpenedCharRuns<C> {
  const files = resolveCheckpoints(path, charRunPrefix);
  const infos = files.map((file) => ({ file, ...savedRun(file) }));
  const saved = checkedSettings(infos[0].file, infos[0].config);
  const differ = infos.find((i) => modelKeys.some((k) => i.config[k] !== infos[0].config[k]));
  if (differ !== undefined) throw new Error(`${path}: holds runs of different models (${files.map((f) => basename(dirname(f))).join(', ')}); name one run folder`);
  const config = { ...flags, ...saved };
  const dropouts = [...new Set([0, config.dropout])];
  const runs = infos.map(({ file, run }) => ({ file, dropout: runDropout(file, run, config, dropouts) })).sort((a, b) => dropouts.indexOf(a.dropout) - dropouts.indexOf(b.dropout));
  const replaced = modelKeys.filter((k) => saved[k] !== flags[k]).map((k) => `${k} ${String(saved[k])}`);
  return { config, runs, replaced };
}

/** Which of the program's two runs a checkpoint is, from its label (or, for a file saved without one, its folder's name). */
function runDropout(file: string, run: string | undefined, config: CharLmConfig, dropouts: readonly number[]): number {
  const byLabel = dropouts.find((d) => charRunLabel(config, d) === run);
  if (byLabel !== undefined) return byLabel;
  if (run !== undefined) throw new Error(`${file}: 'data.run': is a checkpoint of '${run}', not of a character language model (${dropouts.map((d) => `'${charRunLabel(config, d)}'`).join(' or ')})`);
  const byFolder = dropouts.find((d) => basename(runFolder('.', charRunLabel(config, d))) === basename(dirname(file)));
  if (byFolder !== undefined) return byFolder;
  throw new Error(`${file}: 'data.run': missing, and the folder's name is not a character run's: cannot tell which run this is`);
}

/** The model settings a checkpoint's config holds, each checked; throws naming the file and the key. */
function checkedSettings(file: string, c: Record<string, unknown>): Pick<CharLmConfig, (typeof modelKeys)[number]> {
  const fault = (key: string, want: string): Error => new Error(`${file}: 'config.${key}': ${want}, got ${JSON.stringify(c[key] ?? null)} (not a checkpoint of charlm?)`);
  const int = (key: string): number => {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw fault(key, 'must be a positive integer');
    return v;
  };
  const real = (key: string, max: number): number => {
    const v = c[key];
    if (typeof v !== 'number' || !(v >= 0 && v < max)) throw fault(key, `must be a number in [0, ${max})`);
    return v;
  };
  const cell = cellKinds.find((k) => k === c.cell);
  if (cell === undefined) throw fault('cell', `must be one of ${cellKinds.join(', ')}`);
  if (c.text !== undefined && typeof c.text !== 'string') throw fault('text', 'must be a file name');
  return { text: c.text, cell, hidden: int('hidden'), layers: int('layers'), embed: int('embed'), batch: int('batch'), seqLen: int('seqLen'), steps: int('steps'), lr: real('lr', Infinity), dropout: real('dropout', 1) };
}

/** A run as {@link trainLm} returns it, loaded from `file`: its parameters, loss history and the evaluation at its step. */
export function loadCharRun(model: Lm, file: string, trainIds: Int32Array, devIds: Int32Array) {
  const loaded = loadCheckpoint(file, { params: model.params });
  if (loaded._tag === 'Left') throw new Error(loaded.left.message);
  const { params, step, data } = loaded.right;
  const evals: LmEval[] = [measureLm(model, params as LmParams, step, trainIds, devIds)];
  const run = { params: params as LmParams, losses: lossesOf(data), steps: step, seconds: NaN, interrupted: false };
  return { run, evals, tokensPerSecond: NaN, step };
}
