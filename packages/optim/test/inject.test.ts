import { ValueError } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import { adam, chain, clipByGlobalNorm, cosineDecay, injectHyperparams, sgd, setHyperparams } from '../src/index.js';
import { bitEqual, smallGrads, smallParams } from './helpers.js';

describe('injectHyperparams', () => {
  it('with constants behaves exactly like the plain optimizer', () => {
    const a = injectHyperparams(adam)({ lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1, amsgrad: true });
    const b = adam({ lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1, amsgrad: true });
    let [pa, pb] = [smallParams(), smallParams()];
    let [sa, sb] = [a.init(pa), b.init(pb)];
    for (let k = 0; k < 5; k++) {
      [pa, sa] = a.step(smallGrads(k), sa, pa);
      [pb, sb] = b.step(smallGrads(k), sb, pb);
    }
    expect(bitEqual(pa, pb)).toBe(true);
    expect(sa.hyperparams).toEqual({ lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1 });
  });

  it('exposes the current value of a schedule, and matches passing the schedule directly', () => {
    const lr = cosineDecay({ init: 0.1, decaySteps: 4 });
    const a = injectHyperparams(sgd)({ lr, momentum: 0.9 });
    const b = sgd({ lr, momentum: 0.9 });
    let [pa, pb] = [smallParams(), smallParams()];
    let [sa, sb] = [a.init(pa), b.init(pb)];
    expect(sa.hyperparams.lr).toBe(lr(0));
    for (let k = 0; k < 4; k++) {
      [pa, sa] = a.step(smallGrads(k), sa, pa);
      [pb, sb] = b.step(smallGrads(k), sb, pb);
      expect(sa.hyperparams.lr).toBe(lr(k)); // the value the update used
    }
    expect(bitEqual(pa, pb)).toBe(true);
  });

  it('setHyperparams changes a value from the next step on, anywhere in a chain, sharing the buffers', () => {
    const opt = chain(clipByGlobalNorm(1), injectHyperparams(adam)({ lr: 0.01 }));
    let params = smallParams();
    let state = opt.init(params);
    [params, state] = opt.step(smallGrads(0), state, params);
    const changed = setHyperparams(state, { lr: 0.001 });
    expect(changed[1].hyperparams.lr).toBe(0.001);
    expect(state[1].hyperparams.lr).toBe(0.01); // the original is untouched
    expect(changed[1].inner.adam.mu).toBe(state[1].inner.adam.mu); // structural sharing, no copy of the moments

    const reference = chain(clipByGlobalNorm(1), adam({ lr: (s) => (s === 0 ? 0.01 : 0.001) }));
    let refParams = smallParams();
    let refState = reference.init(refParams);
    for (let k = 0; k < 2; k++) [refParams, refState] = reference.step(smallGrads(k), refState, refParams);
    [params] = opt.step(smallGrads(1), changed, params);
    expect(bitEqual(params, refParams)).toBe(true);
  });

  it('rejects unknown names and validates injected values', () => {
    const opt = injectHyperparams(adam)({ lr: 0.01 });
    const params = smallParams();
    const state = opt.init(params);
    expect(() => setHyperparams(state, { momentum: 0.9 })).toThrow(ValueError);
    expect(() => setHyperparams(state, { momentum: 0.9 })).toThrow("setHyperparams: 'momentum' is not an injected hyperparameter of this state");
    const broken = setHyperparams(state, { lr: -1 });
    expect(() => opt.step(smallGrads(0), broken, params)).toThrow('adam: lr must be a finite non-negative number, got -1');
    expect(() => injectHyperparams(adam)({ lr: Number.NaN })).toThrow('adam: lr must be a finite non-negative number, got NaN');
  });
});
