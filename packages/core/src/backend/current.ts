import type { Backend } from './backend.js';
import { jsBackend } from './js/js-backend.js';
import { setStorageSource } from '../tensor/storage-source.js';

let current: Backend = jsBackend;

/** The backend ops compute with (the pure-TypeScript one unless replaced). */
export function backend(): Backend {
  return current;
}

/** Installs another backend; returns the previous one so it can be restored. */
export function setBackend(next: Backend): Backend {
  const previous = current;
  current = next;
  setStorageSource(next.storage?.bind(next));
  return previous;
}
