/**
 * The `--backend` flag every program takes: which kernels compute. `wasm` runs float32
 * matrix products in WebAssembly SIMD (several times faster, same results up to float32
 * rounding); `js` is the pure-TypeScript backend. Nothing else in the examples changes.
 */
import { jsBackend, setBackend, wasmBackend, wasmSimdSupported } from '@tapestry/core';
import { flag } from './flags.js';

export const backendChoices = ['wasm', 'js'] as const;
export type BackendChoice = (typeof backendChoices)[number];

/** The flag, defaulting to wasm where the engine supports it. */
export const backendFlag = flag.choice(backendChoices, wasmSimdSupported() ? 'wasm' : 'js', 'kernels: wasm (WebAssembly SIMD) or js (pure TypeScript)');

/** Installs the chosen backend; a one-line error if this engine cannot run it. */
export function installBackend(choice: BackendChoice): void {
  if (choice === 'wasm' && !wasmSimdSupported()) throw new Error('--backend wasm: this Node.js has no WebAssembly SIMD; use --backend js');
  setBackend(choice === 'wasm' ? wasmBackend : jsBackend);
}
