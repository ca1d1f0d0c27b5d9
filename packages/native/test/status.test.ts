// The addon builds at install on every supported machine (Linux/macOS with a C++17
// compiler); these tests fail loudly when it did not, rather than letting the kernel
// suites quietly run without it. Set TAPESTRY_NATIVE_OPTIONAL=1 where no compiler exists.
import { describe, expect, it } from 'vitest';
import { jsBackend, matmul, setBackend, tensor, wasmBackend, wasmSimdSupported } from '@tapestry/core';
import { bestBackend, nativeBackend, nativeStatus, selectNativeIsa, setNativeThreads } from '../src/index.js';

const optional = process.env.TAPESTRY_NATIVE_OPTIONAL !== undefined;

describe('nativeStatus', () => {
  it('reports the addon built and loaded, with its kernel set and threads', () => {
    const status = nativeStatus();
    if (optional && !status.available) return;
    expect(status.available, status.reason).toBe(true);
    expect(['avx512', 'avx2', 'generic']).toContain(status.isa);
    expect(status.supportedIsas).toContain('generic');
    expect(status.threads).toBeGreaterThanOrEqual(1);
  });

  it('bestBackend picks native, else wasm-simd, else TypeScript', () => {
    const expected = nativeStatus().available ? nativeBackend : wasmSimdSupported() ? wasmBackend : jsBackend;
    expect(bestBackend()).toBe(expected);
  });

  it('computes through setBackend like any backend', () => {
    const previous = setBackend(nativeBackend);
    try {
      expect(matmul(tensor([[1, 2]]), tensor([[3], [4]])).item()).toBe(11);
    } finally {
      setBackend(previous);
    }
  });

  it('names the bad argument of its controls', () => {
    expect(() => setNativeThreads(0)).toThrow(/threads must be an integer in 1…1024, got 0/);
    // @ts-expect-error: a kernel set that does not exist
    expect(() => selectNativeIsa('sse9')).toThrow(/does not support sse9/);
  });
});
