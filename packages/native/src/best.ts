import type { Backend } from '@tapestry/core';
import { jsBackend, wasmBackend, wasmSimdSupported } from '@tapestry/core';
import { nativeBackend } from './backend.js';
import { nativeStatus } from './status.js';

/**
 * The fastest backend that runs here: native, else WebAssembly SIMD, else TypeScript.
 *
 * @example
 * ```ts
 * import { setBackend } from '@tapestry/core';
 * import { bestBackend } from '@tapestry/native';
 *
 * const chosen = bestBackend();
 * setBackend(chosen);
 * console.log(`backend: ${chosen.name}`);
 * ```
 */
export function bestBackend(): Backend {
  if (nativeStatus().available) return nativeBackend;
  if (wasmSimdSupported()) return wasmBackend;
  return jsBackend;
}
