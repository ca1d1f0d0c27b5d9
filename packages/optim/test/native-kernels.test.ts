// The native backend's optimizer kernels (Backend.adamStep, Backend.scaleAdd) must give
// the same bits as optim's TypeScript loops: every optimizer built on them runs one step
// from the same state under both backends, over random shapes and values that include
// NaN, ±Infinity, ±0 and subnormals, in float32 and float64, and with 1, 2 and 7 native
// threads. The native package is loaded by path (optim does not depend on it).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type Backend, type Tensor, backend, fromStorage, jsBackend, setBackend } from '@tapestry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adam, adamw, applyUpdates, chain, clipByGlobalNorm, scale, sgd, type Optimizer } from '../src/index.js';
import { bitEqual, numRuns } from './helpers.js';

interface NativeModule {
  createNativeBackend(base: Backend): Backend;
  nativeStatus(): { available: boolean };
  setNativeThreads(threads: number): void;
}

async function loadNative(): Promise<NativeModule | undefined> {
  const entry = new URL('../../native/dist/index.js', import.meta.url);
  if (!existsSync(entry)) return undefined;
  const native = (await import(/* @vite-ignore */ entry.href)) as NativeModule;
  return native.nativeStatus().available ? native : undefined;
}
const native = await loadNative();

const special = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-40, -3e-39, 5e-324, 1e30, -1e-30];
const element = fc.oneof({ weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(...special) });

function leaf(values: number[], dtype: 'float32' | 'float64'): Tensor {
  return fromStorage([values.length], dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values));
}

// Two steps, so the moments carry values the first step computed.
function twoSteps(opt: Optimizer<unknown>, params: Record<string, Tensor>, grads: Record<string, Tensor>): unknown {
  let state = opt.init(params);
  let p = params;
  for (let i = 0; i < 2; i++) [p, state] = opt.step(grads, state, p);
  return { p, state };
}

const optimizers: Record<string, () => Optimizer<unknown>> = {
  adam: () => adam({ lr: 1e-2 }) as Optimizer<unknown>,
  amsgrad: () => adam({ lr: 3e-3, betas: [0.8, 0.99], amsgrad: true }) as Optimizer<unknown>,
  adamw: () => adamw({ lr: 1e-2, weightDecay: 0.1 }) as Optimizer<unknown>,
  'clip + adam': () => chain(clipByGlobalNorm(0.5), adam({ lr: 2e-3 })) as Optimizer<unknown>,
  'sgd (scale)': () => sgd({ lr: 0.3 }) as Optimizer<unknown>,
};

describe.runIf(native !== undefined)('native optimizer kernels', () => {
  const nativeBackend = native!.createNativeBackend(jsBackend);

  it('the backend has both kernels', () => {
    expect(typeof nativeBackend.adamStep).toBe('function');
    expect(typeof nativeBackend.scaleAdd).toBe('function');
  });

  for (const [name, make] of Object.entries(optimizers)) {
    it(`${name}: the same bits as the TypeScript loops`, () => {
      const previous = backend();
      try {
        for (const threads of [1, 2, 7]) {
          native!.setNativeThreads(threads);
          fc.assert(
            fc.property(fc.array(element, { minLength: 1, maxLength: 300 }), fc.array(element, { minLength: 1, maxLength: 300 }), fc.constantFrom('float32' as const, 'float64' as const), (p, g, dtype) => {
              const n = Math.min(p.length, g.length);
              const params = { w: leaf(p.slice(0, n), dtype), b: leaf(p.slice(0, 1), dtype) };
              const grads = { w: leaf(g.slice(0, n), dtype), b: leaf(g.slice(0, 1), dtype) };
              setBackend(jsBackend);
              const want = twoSteps(make(), params, grads);
              setBackend(nativeBackend);
              const got = twoSteps(make(), params, grads);
              expect(bitEqual(got, want)).toBe(true);
            }),
            { numRuns: Math.max(10, Math.round(numRuns / 3)) },
          );
        }
      } finally {
        setBackend(previous);
        native!.setNativeThreads(Number(process.env.TAPESTRY_NUM_THREADS) || availableParallelism()); // the default
      }
    });
  }

  it('applyUpdates and scale through the kernel: the same bits, and inputs untouched', () => {
    const previous = backend();
    try {
      const p = { w: leaf([1, -0, 0.1, NaN, 3e-39], 'float32') }, u = { w: leaf([-0, -0, 0.2, 1, 3e-39], 'float32') };
      const s = scale(1 / 3);
      setBackend(jsBackend);
      const want = [applyUpdates(p, u), s.update(u, s.init(p)).updates];
      setBackend(nativeBackend);
      const got = [applyUpdates(p, u), s.update(u, s.init(p)).updates];
      expect(bitEqual(got, want)).toBe(true);
      expect(Array.from(p.w.data)).toEqual([1, -0, Math.fround(0.1), NaN, Math.fround(3e-39)]);
    } finally {
      setBackend(previous);
    }
  });

  it('refuses arrays of different types or lengths', () => {
    const f32 = new Float32Array(4), f64 = new Float64Array(4), short = new Float32Array(3);
    expect(() => nativeBackend.scaleAdd!(f32, 2, f64, f32)).toThrow(/scaleAdd: every array must have the first's type and length/);
    expect(() => nativeBackend.scaleAdd!(f32, 2, undefined, short)).toThrow(/scaleAdd: every array/);
    const c = { b1: 0.9, b2: 0.999, bc1: 0.1, sqrtBc2: 0.03, eps: 1e-8 };
    expect(() => nativeBackend.adamStep!({ g: f32, m: f32, v: f32, vMax: f32, out: f32, mNext: f32, vNext: f32, vMaxNext: undefined }, c)).toThrow(/vMax and vMaxNext/);
  });
});
