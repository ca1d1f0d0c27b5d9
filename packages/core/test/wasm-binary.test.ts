// The wasm-simd backend ships its kernels as bytes (gemm-binary.ts) assembled from
// gemm.wat; this keeps the two from drifting apart.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmSimdSupported } from '../src/index.js';

const script = fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url));

describe('wasm kernels', () => {
  it('gemm-binary.ts is the assembly of gemm.wat', () => {
    const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/matches gemm\.wat/);
  });

  it('validate on this engine (Node ≥ 16.4 has WebAssembly SIMD)', () => {
    expect(wasmSimdSupported()).toBe(true);
  });
});
