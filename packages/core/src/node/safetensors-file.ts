import { readFileSync, statSync } from 'node:fs';
import { failure, success, type Either } from '../either.js';
import { LoadError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from '../io/safetensors.js';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Writes named tensors to a safetensors file atomically (see {@link writeFileAtomic}):
 * the file holds either its previous contents or all of the new ones. Throws an error
 * naming `path` if it cannot be written.
 *
 * @example
 * ```ts
 * import { tensor } from '@tapestry/core';
 * import { loadSafetensors, saveSafetensors } from '@tapestry/core/node';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const path = join(tmpdir(), 'tapestry-example.safetensors');
 * saveSafetensors(path, { 'fc.weight': tensor([[1, 2]]), 'fc.bias': tensor([0]) });
 * const loaded = loadSafetensors(path);
 * if (loaded._tag === 'Right') console.log(Object.keys(loaded.right.tensors)); // ['fc.weight', 'fc.bias']
 * ```
 */
export function saveSafetensors(path: string, tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Reads and strictly checks a safetensors file (see `decodeSafetensors`). A missing
 * file, a folder, an unreadable or corrupt file gives a {@link LoadError} naming `path`.
 */
export function loadSafetensors(path: string): Either<LoadError, Safetensors> {
  const bytes = readBytes(path);
  return bytes._tag === 'Left' ? bytes : decodeSafetensors(bytes.right, path);
}

/** The bytes of `path`, or a {@link LoadError} saying why it cannot be read. */
export function readBytes(path: string): Either<LoadError, Uint8Array> {
  try {
    if (statSync(path).isDirectory()) return failure(new LoadError(path, 'is a folder, not a file'));
    return success(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${(e as Error).message})`;
    return failure(new LoadError(path, reason));
  }
}
