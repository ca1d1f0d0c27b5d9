import type { ImplId, Implementation } from './types.js';

/** Column headings, known without loading any implementation. */
export const IMPL_LABELS: Readonly<Record<ImplId, string>> = {
  tapestry: 'Tapestry',
  'tapestry-wasm': 'Tapestry wasm-simd',
  'tapestry-native': 'Tapestry native',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm',
};

/** Loads one implementation lazily: a Tapestry child never imports tfjs, and vice versa. */
export async function loadImplementation(id: ImplId): Promise<Implementation> {
  switch (id) {
    case 'tapestry':
      return (await import('./tapestry/implementation.js')).tapestry;
    case 'tapestry-wasm':
      return (await import('./tapestry/implementation.js')).tapestryWasm;
    case 'tapestry-native':
      return (await import('./tapestry/implementation.js')).tapestryNative;
    case 'tfjs-cpu':
      return (await import('./tfjs/implementations.js')).tfjsCpu;
    case 'tfjs-wasm':
      return (await import('./tfjs/implementations.js')).tfjsWasm;
  }
}
