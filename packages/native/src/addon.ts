import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TypedArray } from '@tapestry/core';
import { fileURLToPath } from 'node:url';

/** The functions the compiled addon exports (native/addon.cc). */
export interface Addon {
  gemm(a: Float32Array | Float64Array, b: Float32Array | Float64Array, c: Float32Array | Float64Array, M: number, N: number, K: number, transA: boolean, transB: boolean, accumulate: boolean, offsets?: Int32Array): void;
  softmax(x: Float32Array | Float64Array, out: Float32Array | Float64Array, rows: number, n: number, logarithm: boolean): void;
  copyRows(src: TypedArray, srcStart: number, srcStride: number, dst: TypedArray, dstStart: number, dstStride: number, rows: number, length: number): void;
  sum(x: Float32Array | Float64Array, out: Float32Array | Float64Array, outer: number, n: number, inner: number): void;
  compile(code: Int32Array, params: Float64Array): number;
  release(id: number): void;
  run(id: number, n: number, ...operands: (Float32Array | Float64Array | Int32Array)[]): void;
  bindSteps(code: Int32Array, arrays: TypedArray[], steps: number): number;
  runSteps(id: number, first: number, count: number, delta: number): void;
  releaseSteps(id: number): void;
  explainSteps(id: number): string;
  rowRuns(): number;
  setRowSplit(mode: number, minRowsPerThread: number, minWork: number): void;
  alloc(bytes: number): ArrayBuffer | undefined;
  free(buffer: ArrayBuffer): boolean;
  pooledBytes(): number;
  setPoolCap(bytes: number): void;
  isa(): string;
  supportedIsas(): string;
  selectIsa(name: string): boolean;
  threads(): number;
  setThreads(n: number): void;
  setThresholds(gemmMultiplyAdds: number, programElements: number): void;
  adamStep(g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, out: FloatArray, mNext: FloatArray, vNext: FloatArray, vMaxNext: FloatArray | null, b1: number, b2: number, bc1: number, sqrtBc2: number, eps: number): void;
  scaleAdd(x: FloatArray, a: number, y: FloatArray | null, out: FloatArray): void;
}

type FloatArray = Float32Array | Float64Array;

/** The addon, or why it could not be loaded. */
export type AddonLoad = { readonly addon: Addon; readonly reason: string } | { readonly addon: undefined; readonly reason: string };

const packageRoot = new URL('..', import.meta.url);
const binary = fileURLToPath(new URL('build/Release/tapestry_native.node', packageRoot));
const statusFile = fileURLToPath(new URL('build/status.json', packageRoot));

/** What the install-time build recorded (see scripts/build-addon.mjs). */
function buildReason(): string {
  if (!existsSync(statusFile)) return 'the addon was never built (the package install script did not run)';
  try {
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { ok?: boolean; reason?: string };
    return String(status.reason ?? 'no reason recorded');
  } catch (e) {
    return `the build status is unreadable: ${(e as Error).message}`;
  }
}

function load(): AddonLoad {
  if (process.env.TAPESTRY_NATIVE_DISABLE) return { addon: undefined, reason: 'disabled by TAPESTRY_NATIVE_DISABLE' };
  if (!existsSync(binary)) return { addon: undefined, reason: buildReason() };
  try {
    const addon = createRequire(import.meta.url)(binary) as Addon;
    return { addon, reason: buildReason() };
  } catch (e) {
    return { addon: undefined, reason: `the addon failed to load: ${(e as Error).message}` };
  }
}

/** Loaded once, at first use; never throws. */
export const loaded: AddonLoad = load();
