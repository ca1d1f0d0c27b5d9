import { isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Optimizer } from '../src/index.js';
import {
  adagrad,
  adam,
  adamw,
  addDecayedWeights,
  applyIfFinite,
  chain,
  clipByGlobalNorm,
  clipByValue,
  cosineDecay,
  injectHyperparams,
  loadState,
  masked,
  multiTransform,
  namedChain,
  rmsprop,
  scaleByAdam,
  scaleByLearningRate,
  sgd,
  warmupCosineDecay,
} from '../src/index.js';
import type { Dtype } from './helpers.js';
import { bitEqual, sameTree, smallGrads, smallParams, t, throughFile } from './helpers.js';

/** Gradients for step k; with `nan`, steps 3 and 8 hold a NaN (for the configurations with applyIfFinite). */
function gradsAt(k: number, dtype: Dtype, nan: boolean): ReturnType<typeof smallGrads> {
  const g = smallGrads(k, dtype);
  if (!nan || k % 5 !== 3) return g;
  return { ...g, layers: [g.layers[0], t([Number.NaN], [1], dtype)] };
}

const configurations: Record<string, () => Optimizer<unknown>> = {
  'sgd nesterov + weight decay': () => sgd({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  'sgd dampening, step-scheduled lr': () => sgd({ lr: (s) => 0.1 / (1 + s), momentum: 0.8, dampening: 0.3 }),
  'adam amsgrad': () => adam({ lr: 0.01, amsgrad: true, weightDecay: 0.01 }),
  'adamw, warm-up cosine lr, maximize': () => adamw({ lr: warmupCosineDecay({ peak: 0.01, warmupSteps: 3, decaySteps: 20 }), maximize: true }),
  'rmsprop centered momentum': () => rmsprop({ lr: 1e-3, centered: true, momentum: 0.9, weightDecay: 1e-4 }),
  'adagrad lr decay': () => adagrad({ lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }),
  'applyIfFinite(chain(clip, adam))': () => applyIfFinite(chain(clipByGlobalNorm(0.5), adam({ lr: 0.02 }))),
  'namedChain(clipByValue, injected adam)': () =>
    namedChain({ clip: clipByValue(0.7), adam: injectHyperparams(adam)({ lr: cosineDecay({ init: 0.01, decaySteps: 12 }), betas: [0.8, 0.99] }) }),
  'masked weight decay, multiTransform learning rates': () =>
    chain(
      scaleByAdam(),
      masked(addDecayedWeights(0.1), { fc: { weight: true, bias: false }, layers: false }),
      multiTransform({ fc: scaleByLearningRate(0.01), layers: scaleByLearningRate(0.03) }, (_p, path) => path.split('.')[0]),
    ),
};

describe('N steps = k steps + state through a file + (N − k) steps, bit for bit', () => {
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
          const saved = throughFile(state);
          // A fresh process: a new optimizer object and a template from init.
          const resumed = make();
          const loaded = loadState(resumed.init(params), saved);
          if (!isRight(loaded)) throw loaded.left;
          expect(sameTree(loaded.right, state)).toBe(true);
          let s2 = loaded.right;
          for (let k = split; k < N; k++) [params, s2] = resumed.step(gradsAt(k, dtype, nan), s2, params);
          expect(bitEqual(params, straight), `split at ${split}`).toBe(true);
          expect(Array.from(params.fc.weight.data).every(Number.isFinite)).toBe(true);
          expect(sameTree(s2, s1)).toBe(true);
        }
      });
    }
  }
});
