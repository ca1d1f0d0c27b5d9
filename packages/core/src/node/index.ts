/**
 * `@tapestry/core/node`: helpers that need Node's file system. The root entry
 * `@tapestry/core` stays free of `node:` imports so that it bundles for the browser.
 *
 * @packageDocumentation
 */
export { writeFileAtomic } from './write-file-atomic.js';
export { saveSafetensors, loadSafetensors } from './safetensors-file.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  type TrainingState,
  type LoadedCheckpoint,
  type SaveCheckpointOptions,
  type LoadCheckpointOptions,
  type JsonValue,
  type StateLeaf,
  type StateScalar,
} from './checkpoint/checkpoint.js';
export { listCheckpoints } from './checkpoint/files.js';
