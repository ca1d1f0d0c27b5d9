/**
 * The `--backend` flag every program takes: which kernels compute. `native` runs the
 * @tapestry/native addon (SIMD kernels on every core, built at install); `wasm` runs
 * float32 matrix products in WebAssembly SIMD; `js` is the pure-TypeScript backend. The
 * default is the fastest that runs here (`bestBackend()`). Results agree up to float32
 * rounding; nothing else in the examples changes.
 */
import { jsBackend, setBackend, wasmBackend, wasmSimdSupported, type Backend } from '@tapestry/core';
import { bestBackend, nativeBackend, nativeStatus } from '@tapestry/native';
import { flag } from './flags.js';

export const backendChoices = ['native', 'wasm', 'js'] as const;
export type BackendChoice = (typeof backendChoices)[number];

const NAMES: Record<string, BackendChoice> = { native: 'native', 'wasm-simd': 'wasm', js: 'js' };

/** The flag, defaulting to the best backend that runs here. */
export const backendFlag = flag.choice(backendChoices, NAMES[bestBackend().name] ?? 'js', 'kernels: native (SIMD addon), wasm (WebAssembly SIMD) or js (pure TypeScript)');

/** Installs the chosen backend and returns it; a one-line error if it cannot run here. */
export function installBackend(choice: BackendChoice): Backend {
  if (choice === 'native' && !nativeStatus().available) throw new Error(`--backend native: ${nativeStatus().reason.split('\n')[0]}; use --backend wasm`);
  if (choice === 'wasm' && !wasmSimdSupported()) throw new Error('--backend wasm: this Node.js has no WebAssembly SIMD; use --backend js');
  const chosen = choice === 'native' ? nativeBackend : choice === 'wasm' ? wasmBackend : jsBackend;
  setBackend(chosen);
  return chosen;
}

/** One line naming the backend that runs, for a program's output. */
export function describeBackend(backend: Backend): string {
  if (backend.name !== 'native') return `backend: ${backend.name}`;
  const status = nativeStatus();
  return `backend: native (${status.isa ?? '?'}, ${status.threads ?? 1} threads)`;
}
