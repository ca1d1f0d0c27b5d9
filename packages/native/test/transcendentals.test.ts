// exp, log, tanh and sigmoid of the native kernels (their own polynomials, vectorised)
// against correctly rounded values: float64 within 2 ulp of mpmath's 200-bit results
// rounded once (test/fixtures, written by scripts/reference-values.py), float32 within
// 4 ulp of the float64 results of Math over random float32 bit patterns of every binade,
// subnormals, ±0, ±Inf and NaN included.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, type UnaryKind } from '@tapestry/core';
import { nativeBackend, nativeStatus, selectNativeIsa } from '../src/index.js';
import { ulp32, ulp64, ulpError } from './ulp.js';

const fixture = JSON.parse(readFileSync(new URL('fixtures/transcendentals.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const decode = (s: string): number => Number(s); // 'NaN', 'Infinity' and repr() strings all parse exactly
const xs = Float64Array.from(fixture.x, decode);

const KINDS = ['exp', 'log', 'tanh', 'sigmoid'] as const;
const isas = (nativeStatus().supportedIsas ?? []) as ('avx512' | 'avx2' | 'generic')[];

/** The worst error over the inputs, and where it occurs (for the failure message). */
function worst(got: ArrayLike<number>, reference: ArrayLike<number>, input: ArrayLike<number>, ulp: (y: number) => number): { error: number; at: string } {
  let error = 0, at = '';
  for (let i = 0; i < got.length; i++) {
    const e = ulpError(got[i], reference[i], ulp);
    if (e > error) [error, at] = [e, `x=${input[i]}: got ${got[i]}, correctly rounded ${reference[i]}`];
  }
  return { error, at };
}

describe.each(isas)('transcendentals (%s kernels)', (isa) => {
  it.each(KINDS)('%s in float64 is within 2 ulp of the correctly rounded value', (kind) => {
    selectNativeIsa(isa);
    const got = nativeBackend.unary(kind as UnaryKind, new Tensor([xs.length], xs)).data;
    const { error, at } = worst(got, fixture[kind].map(decode), xs, ulp64);
    expect(error, at).toBeLessThanOrEqual(2);
  });

  it.each(KINDS)('%s in float32 is within 4 ulp over every binade', (kind) => {
    selectNativeIsa(isa);
    const bits = new Uint32Array(200_000);
    let state = 0x9e3779b9;
    for (let i = 0; i < bits.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      bits[i] = state >>> 0;
    }
    const x = new Float32Array(bits.buffer);
    x.set([0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-40, 88.72, -103.9, 9.01, -9.01]);
    const got = nativeBackend.unary(kind as UnaryKind, new Tensor([x.length], x)).data;
    const math: Record<string, (v: number) => number> = { exp: Math.exp, log: Math.log, tanh: Math.tanh, sigmoid: (v) => 1 / (1 + Math.exp(-v)) };
    const reference = Float64Array.from(x, (v) => Math.fround(math[kind](v)));
    const { error, at } = worst(got, reference, x, ulp32);
    expect(error, at).toBeLessThanOrEqual(4);
  });
});
