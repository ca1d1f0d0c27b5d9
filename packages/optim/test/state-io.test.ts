import type { Tensor } from '@tapestry/core';
import { ShapeError, ValueError, fromStorage } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import type { FlatState, Optimizer } from '../src/index.js';
import {
  adagrad,
  adam,
  adamw,
  applyIfFinite,
  chain,
  clipByGlobalNorm,
  clipByValue,
  cloneState,
  cosineDecay,
  flattenState,
  injectHyperparams,
  namedChain,
  restoreState,
  rmsprop,
  sgd,
  warmupCosineDecay,
} from '../src/index.js';
import type { Dtype } from './helpers.js';
import { bitEqual, smallGrads, smallParams, t } from './helpers.js';

/** Gradients for step k; with `nan`, steps 3 and 8 hold a NaN (for the configurations with applyIfFinite). */
function gradsAt(k: number, dtype: Dtype, nan: boolean): ReturnType<typeof smallGrads> {
  const g = smallGrads(k, dtype);
  if (!nan || k % 5 !== 3) return g;
  return { ...g, layers: [g.layers[0], t([Number.NaN], [1], dtype)] };
}

/** Writes a flat state the way a checkpoint file would (JSON text and plain number lists) and reads it back. */
function throughCheckpoint(flat: FlatState): FlatState {
  const file = JSON.stringify({
    meta: flat.meta,
    tensors: Object.fromEntries(Object.entries(flat.tensors).map(([k, v]) => [k, { shape: v.shape, dtype: v.dtype, data: Array.from(v.data) }])),
  });
  const parsed = JSON.parse(file) as { meta: FlatState['meta']; tensors: Record<string, { shape: number[]; dtype: Dtype; data: number[] }> };
  const tensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(parsed.tensors)) {
    tensors[k] = fromStorage(v.shape, v.dtype === 'float64' ? Float64Array.from(v.data) : Float32Array.from(v.data));
  }
  return { meta: parsed.meta, tensors };
}

const configurations: Record<string, () => Optimizer<unknown>> = {
  'sgd nesterov + weight decay': () => sgd({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  'sgd dampening, step-scheduled lr': () => sgd({ lr: (s) => 0.1 / (1 + s), momentum: 0.8, dampening: 0.3 }),
  'adam amsgrad': () => adam({ lr: 0.01, amsgrad: true, weightDecay: 0.01 }),
  'adamw, warm-up cosine lr': () => adamw({ lr: warmupCosineDecay({ peak: 0.01, warmupSteps: 3, decaySteps: 20 }) }),
  'rmsprop centered momentum': () => rmsprop({ lr: 1e-3, centered: true, momentum: 0.9, weightDecay: 1e-4 }),
  'adagrad lr decay': () => adagrad({ lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }),
  'applyIfFinite(chain(clip, adam))': () => applyIfFinite(chain(clipByGlobalNorm(0.5), adam({ lr: 0.02 }))),
  'namedChain(clipByValue, injected adam)': () =>
    namedChain({ clip: clipByValue(0.7), adam: injectHyperparams(adam)({ lr: cosineDecay({ init: 0.01, decaySteps: 12 }), betas: [0.8, 0.99] }) }),
};

describe('N steps = k steps + flatten/restore + (N − k) steps, bit for bit', () => {
  const N = 12;
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, make] of Object.entries(configurations)) {
      it(`${name} (${dtype})`, () => {
        const opt = make();
        const nan = name.startsWith('applyIfFinite');
        let straight = smallParams(dtype);
        let s1 = opt.init(straight);
        for (let k = 0; k < N; k++) [straight, s1] = opt.step(gradsAt(k, dtype, nan), s1, straight);

        for (const split of [0, 1, 4, 7]) {
          let params = smallParams(dtype);
          let state = opt.init(params);
          for (let k = 0; k < split; k++) [params, state] = opt.step(gradsAt(k, dtype, nan), state, params);
          const saved = throughCheckpoint(flattenState(state));
          // A fresh process: a new optimizer object and a template from init.
          const resumed = make();
          let s2 = restoreState(resumed.init(params), saved);
          for (let k = split; k < N; k++) [params, s2] = resumed.step(gradsAt(k, dtype, nan), s2, params);
          expect(bitEqual(params, straight), `split at ${split}`).toBe(true);
          expect(Array.from(params.fc.weight.data).every(Number.isFinite)).toBe(true);
          expect(flattenState(s2).meta).toEqual(flattenState(s1).meta);
          expect(bitEqual(flattenState(s2).tensors, flattenState(s1).tensors)).toBe(true);
        }
      });
    }
  }
});

describe('flattenState', () => {
  it('names entries by their path through the state', () => {
    const opt = chain(clipByGlobalNorm(1), adam({ amsgrad: true }));
    const { tensors, meta } = flattenState(opt.init(smallParams()));
    expect(Object.keys(tensors)).toEqual(
      ['mu', 'nu', 'nuMax'].flatMap((m) => ['fc.weight', 'fc.bias', 'layers.0', 'layers.1'].map((p) => `1.${m}.${p}`)),
    );
    expect(meta).toEqual({ '0.count': 0, '0.lastNorm': 'NaN', '1.count': 0 });
  });

  it('copies: the snapshot does not move when training continues', () => {
    const opt = adam({ lr: 0.1 });
    let params = smallParams();
    let state = opt.init(params);
    [params, state] = opt.step(smallGrads(0), state, params);
    const snapshot = flattenState(state);
    const frozen = Array.from(snapshot.tensors['mu.fc.weight'].data);
    [params, state] = opt.step(smallGrads(1), state, params);
    expect(Array.from(snapshot.tensors['mu.fc.weight'].data)).toEqual(frozen);
    expect(Array.from(state.mu['fc.weight'].data)).not.toEqual(frozen);
  });

  it('stores non-finite numbers and −0 as strings that survive JSON exactly', () => {
    const state = { a: Number.NaN, b: Infinity, c: -Infinity, d: -0, e: 0.1 + 0.2, f: true, g: null, h: 'x' };
    const flat = flattenState(state);
    const back = restoreState(state, { tensors: {}, meta: JSON.parse(JSON.stringify(flat.meta)) as FlatState['meta'] });
    expect(back.a).toBeNaN();
    expect(back.b).toBe(Infinity);
    expect(back.c).toBe(-Infinity);
    expect(Object.is(back.d, -0)).toBe(true);
    expect(back.e).toBe(0.1 + 0.2);
    expect([back.f, back.g, back.h]).toEqual([true, null, 'x']);
  });

  it('refuses what it cannot store', () => {
    expect(() => flattenState({ f: () => 1 })).toThrow("flattenState: cannot store the function at 'f'");
    expect(() => flattenState({ 'a.b': 1, a: { b: 2 } })).toThrow("flattenState: two entries of the state are both named 'a.b'");
  });
});

describe('restoreState', () => {
  const opt = adam({ lr: 0.1 });
  const template = (): ReturnType<typeof opt.init> => opt.init(smallParams());

  it('refuses a missing entry, naming it', () => {
    const flat = flattenState(template());
    delete flat.tensors['nu.layers.1'];
    expect(() => restoreState(template(), flat)).toThrow(ValueError);
    expect(() => restoreState(template(), flat)).toThrow("restoreState: the saved state has no tensor 'nu.layers.1'");
  });

  it('refuses an extra entry (another optimizer or other parameters)', () => {
    const flat = flattenState(adam({ amsgrad: true }).init(smallParams()));
    expect(() => restoreState(template(), flat)).toThrow("restoreState: saved entry 'nuMax.fc.weight' has no place in the template");
  });

  it('refuses a tensor of the wrong shape or dtype', () => {
    const flat = flattenState(template());
    const wrongShape = { ...flat, tensors: { ...flat.tensors, 'mu.fc.bias': t([1, 2, 3]) } };
    expect(() => restoreState(template(), wrongShape)).toThrow(ShapeError);
    expect(() => restoreState(template(), wrongShape)).toThrow("restoreState: 'mu.fc.bias' has shape [3], the template has [2]");
    const wrongDtype = { ...flat, tensors: { ...flat.tensors, 'mu.fc.bias': t([1, 2], [2], 'float32') } };
    expect(() => restoreState(template(), wrongDtype)).toThrow("restoreState: 'mu.fc.bias' is float32, the template is float64");
  });

  it('refuses a metadata value of the wrong kind', () => {
    const flat = flattenState(template());
    expect(() => restoreState(template(), { ...flat, meta: { count: 'three' } })).toThrow("restoreState: 'count' should be a number, got \"three\"");
  });

  it('gives a state that owns fresh buffers (cloneState too)', () => {
    const original = template();
    const flat = flattenState(original);
    const restored = restoreState(original, flat);
    expect(restored.mu['fc.weight']).not.toBe(flat.tensors['mu.fc.weight']);
    expect(restored.mu['fc.weight'].data).not.toBe(flat.tensors['mu.fc.weight'].data);
    const clone = cloneState(original);
    expect(clone.nu['layers.0'].data).not.toBe(original.nu['layers.0'].data);
    expect(bitEqual(clone.nu, original.nu)).toBe(true);
  });
});
