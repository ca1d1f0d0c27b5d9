import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes `contents` to `path` so that `path` holds either its previous contents or all of
 * the new ones — never a torn mix — whatever happens mid-write (a full disk, a file-size
 * limit, a crash): the bytes go to a temporary file in the same folder (a rename is
 * atomic only within one file system), are flushed to disk with fsync, and the temporary
 * file is renamed over `path`. On failure the temporary file is removed and the error is
 * rethrown with `path` named; the previous file is untouched.
 *
 * Every file Tapestry writes (vocabularies, reports, results, checkpoints) goes through
 * this function.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@tapestry/core/node';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * writeFileAtomic(join(tmpdir(), 'tapestry-example.txt'), 'hello\n');
 * ```
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
    syncFolder(dirname(path));
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw new Error(`writeFileAtomic: could not write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Flushes the folder entry so the rename itself survives a power loss (best effort: not every platform can open a folder). */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
