// The backends the kernel suites run under: TypeScript, WebAssembly SIMD and, when its
// addon is built, native (@tapestry/native, loaded by path because core cannot depend
// on a package that depends on core). Its fallbacks are this core's TypeScript kernels,
// and its outputs are instances of the inputs' Tensor class, so it serves tests that
// import core's sources as well as tests that import its build.
import { existsSync } from 'node:fs';
import { type Backend, jsBackend, wasmBackend } from '../src/index.js';

interface NativeModule {
  createNativeBackend(base: Backend): Backend;
  nativeStatus(): { available: boolean; reason: string };
}

async function loadNative(): Promise<Backend[]> {
  const entry = new URL('../../native/dist/index.js', import.meta.url);
  // Not built, or its addon failed to build: @tapestry/native's own tests fail loudly then.
  if (!existsSync(entry)) return [];
  const native = (await import(/* @vite-ignore */ entry.href)) as NativeModule;
  return native.nativeStatus().available ? [native.createNativeBackend(jsBackend)] : [];
}

/** jsBackend, wasmBackend and, when available, the native backend. */
export const backendsUnderTest: readonly Backend[] = [jsBackend, wasmBackend, ...(await loadNative())];

/** The native backend alone (empty when unavailable), for suites too slow to run thrice. */
export const nativeUnderTest: readonly Backend[] = backendsUnderTest.filter((b) => b.name === 'native');
