import type { ImplId, Implementation } from './types.js';

/** Column headings, known without loading any implementation. */
export const IMPL_LABELS: Readonly<Record<ImplId, string>> = {
  tapestry: 'Tapestry',
  'tapestry-wasm': 'Tapestry wasm-simd',
  'tapestry-native': 'Tapestry native 1 thread',
  'tapestry-native-all': 'Tapestry native all cores',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm',
  'pytorch-1t': 'PyTorch 1 thread',
  'pytorch-all': 'PyTorch all cores',
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
    case 'tapestry-native-all':
      return (await import('./tapestry/implementation.js')).tapestryNativeAll;
    case 'tfjs-cpu':
      return (await import('./tfjs/implementations.js')).tfjsCpu;
    case 'tfjs-wasm':
      return (await import('./tfjs/implementations.js')).tfjsWasm;
    case 'pytorch-1t':
    case 'pytorch-all':
      throw new Error(`${id} runs in Python (pytorch.ts), not in a Node child`);
  }
}
