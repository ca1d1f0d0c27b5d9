import { failure, success, type Either } from '../../either.js';
import { LoadError, ValueError } from '../../errors.js';
import { decodeSafetensors, encodeSafetensors } from '../../io/safetensors.js';
import { Rng, type RngState } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { readBytes } from '../safetensors-file.js';
import { writeFileAtomic } from '../write-file-atomic.js';
import { checkpointName, ensureFolder, isFolder, listCheckpoints, pruneCheckpoints } from './files.js';
import { decodeScalars, encodeScalars, parseJsonField, type JsonValue } from './metadata.js';
import { rebuild, stateEntries, type StateScalar, type StateLeaf } from './state-tree.js';

export type { JsonValue } from './metadata.js';
export type { StateLeaf, StateScalar } from './state-tree.js';

/** Marks a file as a Tapestry checkpoint and fixes the layout version. */
const FORMAT = 'tapestry-checkpoint/1';

/** Everything needed to continue a training run exactly where it stopped. */
export interface TrainingState<P = unknown, O = unknown> {
  /** The parameter tree (tensors). */
  readonly params: P;
  /** The optimizer state: any tree whose leaves are tensors, numbers, strings, booleans or null. */
  readonly optimizer: O;
  /** Every random generator the run draws from (dropout, shuffling, …), by name. */
  readonly rngs: Readonly<Record<string, Rng>>;
  /** Optimizer steps taken so far. */
  readonly step: number;
  /** Where the data stream stands (epoch, batch index, …): any JSON. */
  readonly data?: JsonValue;
  /** The run's configuration (hyperparameters, model sizes): any JSON. */
  readonly config?: JsonValue;
  /**
   * Anything else the run carries from step to step, as a tree of tensors and scalars
   * like the optimizer state: a recurrent state carried across batches, the loss
   * history, the current epoch's batch order.
   */
  readonly extra?: unknown;
}

/** A loaded checkpoint: the training state and the file it came from. */
export interface LoadedCheckpoint<P, O, X = undefined> extends TrainingState<P, O> {
  /** The rebuilt {@link TrainingState.extra} (undefined unless the template asked for it). */
  readonly extra: X;
  /** The file that was read. */
  readonly file: string;
  readonly data: JsonValue;
  readonly config: JsonValue;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** How many checkpoints to keep in the folder, newest first (default 3). The new one is written before any old one is removed. */
  keep?: number;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /**
   * Checks each loaded leaf (`key` is its dotted name, e.g. `optimizer.nu.w`) for values
   * that no run can produce — a negative step count or second moment — and returns the
   * reason, or `undefined` if it is fine. The optimizer that owns the state knows its
   * invariants; the checkpoint only runs the check and reports it with file and key.
   */
  validate?: (key: string, leaf: StateLeaf) => string | undefined;
}

/**
 * Saves a whole training state as one safetensors file in `folder`
 * (`checkpoint-<step>.safetensors`, tensors named `params.…` and `optimizer.…`, the
 * rest as JSON in the header's metadata), atomically: a crash or a full disk mid-write
 * leaves every earlier checkpoint intact. Keeps the newest `keep` checkpoints. Returns
 * the file written; throws an error naming the path if it cannot be written.
 *
 * @example
 * ```ts
 * import { Rng, tensor } from '@tapestry/core';
 * import { loadCheckpoint, saveCheckpoint } from '@tapestry/core/node';
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const folder = mkdtempSync(join(tmpdir(), 'run-'));
 * const params = { w: tensor([1, 2]) };
 * const optimizer = { count: 3, mu: { w: tensor([0.1, 0.2]) } };
 * saveCheckpoint(folder, { params, optimizer, rngs: { dropout: new Rng(1) }, step: 3, data: { batch: 7 }, config: { lr: 0.01 } });
 * const loaded = loadCheckpoint(folder, { params, optimizer });
 * if (loaded._tag === 'Right') console.log(loaded.right.step, loaded.right.data); // 3 { batch: 7 }
 * ```
 */
export function saveCheckpoint(folder: string, state: TrainingState, options: SaveCheckpointOptions = {}): string {
  const keep = options.keep ?? 3;
  if (!Number.isInteger(keep) || keep < 1) throw new ValueError(`saveCheckpoint: keep must be a positive integer, got ${keep}`);
  if (!Number.isSafeInteger(state.step) || state.step < 0) throw new ValueError(`saveCheckpoint: step must be a non-negative integer, got ${state.step}`);
  const tensors: Record<string, Tensor> = {};
  const scalars: [string, StateScalar][] = [];
  for (const [root, tree] of [['params', state.params], ['optimizer', state.optimizer], ['extra', state.extra]] as const) {
    const entries = stateEntries(tree, root);
    if (!Array.isArray(entries)) throw new ValueError(`saveCheckpoint: '${entries.path}': ${entries.reason}`);
    for (const { path, leaf } of entries) {
      if (leaf instanceof Tensor) Object.defineProperty(tensors, path, { value: leaf, enumerable: true, writable: true, configurable: true });
      else scalars.push([path, leaf]);
    }
  }
  const rngs = Object.fromEntries(Object.entries(state.rngs).map(([name, rng]) => [name, rng.state()]));
  const metadata = {
    format: FORMAT,
    step: String(state.step),
    rngs: JSON.stringify(rngs),
    scalars: encodeScalars(scalars),
    data: JSON.stringify(state.data ?? null),
    config: JSON.stringify(state.config ?? null),
  };
  ensureFolder(folder);
  const path = `${folder.replace(/\/+$/, '') || '/'}/${checkpointName(state.step)}`;
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
  pruneCheckpoints(folder, keep);
  return path;
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: `path` is the file, or a folder
 * whose newest checkpoint is taken. `template` gives the structure, shapes and dtypes
 * to expect (the freshly initialised parameters, `opt.init(params)` and the initial
 * `extra`; omit `optimizer` and `extra` to load the parameters alone, e.g. for sampling). Every problem — a
 * truncated or corrupt file, a key the template lacks or has in addition (a checkpoint
 * of another model or optimizer), a wrong shape or dtype, an impossible value — is a
 * {@link LoadError} naming the file and the key. Nothing is written.
 */
export function loadCheckpoint<P, O = undefined, X = undefined>(
  path: string,
  template: { params: P; optimizer?: O; extra?: X },
  options: LoadCheckpointOptions = {},
): Either<LoadError, LoadedCheckpoint<P, O, X>> {
  const file = resolveFile(path);
  if (file._tag === 'Left') return file;
  const bytes = readBytes(file.right);
  if (bytes._tag === 'Left') return bytes;
  const decoded = decodeSafetensors(bytes.right, file.right);
  if (decoded._tag === 'Left') return decoded;
  const fail = (reason: string, key?: string): Either<LoadError, never> => failure(new LoadError(file.right, reason, key));
  const { tensors, metadata } = decoded.right;
  if (metadata.format !== FORMAT) return fail(`is not a Tapestry checkpoint (its metadata has format ${JSON.stringify(metadata.format ?? null)}, expected '${FORMAT}')`);
  const saved = new Map<string, StateLeaf>(Object.entries(tensors));
  const scalars = decodeScalars(metadata.scalars);
  if (typeof scalars === 'string') return fail(scalars, 'scalars');
  for (const [key, value] of scalars) {
    if (saved.has(key)) return fail('is stored both as a tensor and as a scalar', key);
    saved.set(key, value);
  }
  const used = new Set<string>();
  const params = rebuild(template.params, 'params', saved, used);
  if (!('ok' in params)) return fail(params.reason, params.path);
  const optimizer = template.optimizer === undefined ? { ok: undefined } : rebuild(template.optimizer, 'optimizer', saved, used);
  if (!('ok' in optimizer)) return fail(optimizer.reason, optimizer.path);
  const extra = template.extra === undefined ? { ok: undefined } : rebuild(template.extra, 'extra', saved, used);
  if (!('ok' in extra)) return fail(extra.reason, extra.path);
  // Parts the caller did not ask for (the optimizer state when sampling) are skipped, not errors.
  const skipped = (k: string): boolean => (template.optimizer === undefined && isUnder(k, 'optimizer')) || (template.extra === undefined && isUnder(k, 'extra'));
  const unplaced = [...saved.keys()].find((k) => !used.has(k) && !skipped(k));
  if (unplaced !== undefined) return fail('has no place in the model or optimizer state given (a checkpoint of another model or optimizer?)', unplaced);
  if (options.validate !== undefined) {
    for (const key of used) {
      const reason = options.validate(key, saved.get(key) as StateLeaf);
      if (reason !== undefined) return fail(reason, key);
    }
  }
  const rest = readRest(metadata);
  if (typeof rest === 'string' || 'reason' in rest) return typeof rest === 'string' ? fail(rest) : fail(rest.reason, rest.key);
  return success({ file: file.right, params: params.ok as P, optimizer: optimizer.ok as O, extra: extra.ok as X, ...rest });
}

/** The step, generators, data position and config from the metadata, checked. */
function readRest(metadata: Record<string, string>): { step: number; rngs: Record<string, Rng>; data: JsonValue; config: JsonValue } | { reason: string; key: string } {
  const step = Number(metadata.step);
  if (metadata.step === undefined || !/^\d+$/.test(metadata.step) || !Number.isSafeInteger(step)) {
    return { reason: `must be a non-negative integer, got ${JSON.stringify(metadata.step ?? null)}`, key: 'step' };
  }
  const rngStates = parseJsonField(metadata, 'rngs');
  if ('reason' in rngStates) return rngStates;
  if (rngStates.value === null || typeof rngStates.value !== 'object' || Array.isArray(rngStates.value)) return { reason: 'must be an object of generator states', key: 'rngs' };
  const rngs: Record<string, Rng> = {};
  for (const [name, s] of Object.entries(rngStates.value)) {
    try {
      rngs[name] = Rng.fromState(s as unknown as RngState);
    } catch (e) {
      return { reason: (e as Error).message, key: `rngs.${name}` };
    }
  }
  const data = parseJsonField(metadata, 'data');
  if ('reason' in data) return data;
  const config = parseJsonField(metadata, 'config');
  if ('reason' in config) return config;
  return { step, rngs, data: data.value, config: config.value };
}

/** A checkpoint file: `path` itself, or the newest checkpoint in the folder `path`. */
function resolveFile(path: string): Either<LoadError, string> {
  const found = listCheckpoints(path);
  if (found.length > 0) return success(found[found.length - 1].path);
  if (isFolder(path)) return failure(new LoadError(path, 'is a folder without checkpoints (no checkpoint-<step>.safetensors in it)'));
  return success(path);
}

function isUnder(key: string, root: string): boolean {
  return key === root || key.startsWith(`${root}.`);
}
