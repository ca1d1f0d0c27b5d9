import { gemmWasmBase64 } from './gemm-binary.js';

// The part of the WebAssembly JavaScript API used here. The ES library typings do not
// declare it, and an engine may lack it, so it is read from globalThis.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The exports of gemm.wat. Addresses and strides are in bytes. */
export interface GemmKernels {
  /** The module's linear memory, where operands and products live during a call. */
  readonly memory: WasmMemory;
  /** `C = A · B` in 4×8 tiles; see gemm.wat for the layouts the strides describe. */
  gemm(
    a: number, rsA: number, csA: number, panelA: number,
    b: number, ldb: number, panelB: number,
    c: number, ldc: number, m: number, n: number, k: number,
  ): void;
  /** `C = A · Bᵀ` as dot products of rows of A and rows of B. */
  gemmNT(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k: number): void;
}

let kernels: GemmKernels | undefined;
let supported: boolean | undefined;

let decoded: Uint8Array | undefined;

/** The module's bytes, decoded once (both the support check and compilation need them). */
function bytes(): Uint8Array {
  if (decoded === undefined) {
    const text = atob(gemmWasmBase64);
    decoded = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) decoded[i] = text.charCodeAt(i);
  }
  return decoded;
}

/**
 * Whether this JavaScript engine runs WebAssembly with 128-bit SIMD (Node ≥ 16.4 and
 * current browsers do). Checked once, by validating the kernels' module.
 */
export function wasmSimdSupported(): boolean {
  supported ??= wasm !== undefined && wasm.validate(bytes());
  return supported;
}

/**
 * The instantiated kernels, compiled on first use (synchronously: the module is about
 * one kilobyte, under every engine's limit for synchronous compilation).
 */
export function gemmKernels(): GemmKernels {
  if (kernels === undefined) {
    if (wasm === undefined || !wasmSimdSupported()) throw new Error('wasm-simd backend: this JavaScript engine does not support WebAssembly SIMD');
    const instance = new wasm.Instance(new wasm.Module(bytes()), {});
    kernels = instance.exports as unknown as GemmKernels;
  }
  return kernels;
}

let view = new Float32Array(0);

/**
 * The kernels' memory as floats, grown to hold at least `floats` of them. Growing
 * detaches the previous view, so callers take a fresh one for every product.
 */
export function kernelMemory(floats: number): Float32Array {
  const memory = gemmKernels().memory;
  const bytesNeeded = floats * 4;
  if (memory.buffer.byteLength < bytesNeeded) memory.grow(Math.ceil((bytesNeeded - memory.buffer.byteLength) / 65536));
  if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
  return view;
}
