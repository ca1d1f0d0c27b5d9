import type { DType, TypedArray } from './dtype.js';

// Where `allocate` takes storage from: the installed backend's `storage`, when it has
// one (set by setBackend; see Backend.storage). Kept out of dtype.ts and current.ts so
// neither imports the other.
type Source = (dtype: DType, size: number) => TypedArray | undefined;

let source: Source | undefined;

/** The current source of recycled storage, if any. */
export function storageSource(): Source | undefined {
  return source;
}

/** Installs the storage source of a newly installed backend (undefined: none). */
export function setStorageSource(next: Source | undefined): void {
  source = next;
}
