import { DTypeError, ShapeError, ValueError, fromStorage } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import type { Optimizer } from '../src/index.js';
import {
  adagrad,
  adam,
  adamw,
  applyIfFinite,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  clipByValue,
  identity,
  rmsprop,
  scale,
  sgd,
} from '../src/index.js';
import type { GradientTransformation } from '../src/index.js';
import { bitEqual, sameTree, smallGrads, smallParams, t, throughFile } from './helpers.js';

describe('bad hyperparameters throw a ValueError naming the optimizer and the parameter', () => {
  const cases: [string, () => unknown, string][] = [
    ['NaN lr', () => adam({ lr: Number.NaN }), 'adam: lr must be a finite non-negative number, got NaN'],
    ['negative lr', () => sgd({ lr: -0.1 }), 'sgd: lr must be a finite non-negative number, got -0.1'],
    ['infinite lr', () => adamw({ lr: Infinity }), 'adamw: lr must be a finite non-negative number, got Infinity'],
    ['beta1 = 1', () => adam({ betas: [1, 0.999] }), 'adam: betas[0] must be a number in [0, 1), got 1'],
    ['negative beta2', () => adamw({ betas: [0.9, -0.1] }), 'adamw: betas[1] must be a number in [0, 1), got -0.1'],
    ['NaN beta', () => adam({ betas: [Number.NaN, 0.9] }), 'adam: betas[0] must be a number in [0, 1), got NaN'],
    ['negative eps', () => adam({ eps: -1 }), 'adam: eps must be a finite non-negative number, got -1'],
    ['negative weight decay', () => adam({ weightDecay: -1e-2 }), 'adam: weightDecay must be a finite non-negative number, got -0.01'],
    ['negative momentum', () => sgd({ lr: 0.1, momentum: -0.9 }), 'sgd: momentum must be a finite non-negative number, got -0.9'],
    ['dampening > 1', () => sgd({ lr: 0.1, momentum: 0.9, dampening: 2 }), 'sgd: dampening must be a number in [0, 1], got 2'],
    ['nesterov without momentum', () => sgd({ lr: 0.1, nesterov: true }), 'sgd: nesterov needs a non-zero momentum and dampening 0'],
    ['rmsprop alpha = 1', () => rmsprop({ alpha: 1 }), 'rmsprop: alpha must be a number in [0, 1), got 1'],
    ['adagrad negative lrDecay', () => adagrad({ lrDecay: -1 }), 'adagrad: lrDecay must be a finite non-negative number, got -1'],
    ['adagrad negative accumulator', () => adagrad({ initialAccumulatorValue: -1 }), 'adagrad: initialAccumulatorValue must be a finite non-negative number, got -1'],
    ['negative max norm', () => clipByGlobalNorm(-1), 'clipByGlobalNorm: maxNorm must be a finite non-negative number, got -1'],
    ['NaN clip value', () => clipByValue(Number.NaN), 'clipByValue: limit must be a finite non-negative number, got NaN'],
    ['infinite scale', () => scale(Infinity), 'scale: factor must be a finite number, got Infinity'],
    ['lr of the wrong type', () => adam({ lr: '1e-3' as unknown as number }), 'adam: lr must be a number or a schedule, got string'],
    ['schedule bad at step 0', () => adam({ lr: () => Number.NaN }), 'adam: lr must be a finite non-negative number, got NaN (schedule value at step 0)'],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }

  it('a schedule that goes out of range later fails at that step, before touching the state', () => {
    const opt = adam({ lr: (step) => (step < 2 ? 1e-3 : -1) });
    let params = smallParams();
    let state = opt.init(params);
    [params, state] = opt.step(smallGrads(0), state, params);
    [params, state] = opt.step(smallGrads(1), state, params);
    const before = throughFile(state); // a copy
    expect(() => opt.step(smallGrads(2), state, params)).toThrow('adam: lr must be a finite non-negative number, got -1 (schedule value at step 2)');
    expect(sameTree(state, before)).toBe(true);
  });
});

describe('gradients that do not fit the parameters throw naming the path', () => {
  const params = { lstm: { weight_ih_l0: t([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), bias: t([0, 0, 0, 0]) }, fc: [t([1, 2])] };
  const grads = (): typeof params => ({ lstm: { weight_ih_l0: t(new Array(8).fill(0.1), [4, 2]), bias: t([1, 1, 1, 1]) }, fc: [t([1, 1])] });

  const makers: Record<string, () => Optimizer<unknown>> = {
    adam: () => adam(),
    sgd: () => sgd({ lr: 0.1, momentum: 0.9 }),
    rmsprop: () => rmsprop(),
    adagrad: () => adagrad(),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: wrong shape`, () => {
      const opt = make();
      const bad = { ...grads(), lstm: { weight_ih_l0: t(new Array(12).fill(0.1), [4, 3]), bias: t([1, 1, 1, 1]) } };
      const step = (): unknown => opt.step(bad, opt.init(params), params);
      expect(step).toThrow(ShapeError);
      expect(step).toThrow(`${name}: gradient for 'lstm.weight_ih_l0' has shape [4,3], parameter has [4,2]`);
    });

    it(`${name}: missing gradient`, () => {
      const opt = make();
      const bad = { lstm: grads().lstm, fc: [] } as unknown as typeof params;
      expect(() => opt.step(bad, opt.init(params), params)).toThrow(`${name}: no gradient for parameter 'fc.0'`);
    });

    it(`${name}: gradient for a parameter that does not exist`, () => {
      const opt = make();
      const bad = { ...grads(), extra: t([1]) };
      expect(() => opt.step(bad, opt.init(params), params)).toThrow(`${name}: gradient for 'extra' has no matching parameter`);
    });

    it(`${name}: wrong shape without params (checked against the state)`, () => {
      const opt = make();
      const bad = { ...grads(), fc: [t([1, 2, 3])] };
      expect(() => opt.update(bad, opt.init(params))).toThrow(`${name}: gradient for 'fc.0' has shape [3], parameter has [2]`);
    });
  }

  it('a gradient of another dtype is a DTypeError naming the path', () => {
    const bad = { ...grads(), fc: [t([1, 1], [2], 'float32')] };
    const opt = adam();
    expect(() => opt.step(bad, opt.init(params), params)).toThrow(DTypeError);
    expect(() => opt.step(bad, opt.init(params), params)).toThrow("adam: gradient for 'fc.0' is float32, parameter is float64");
  });

  it('int32 parameters are refused at init', () => {
    const p = { n: fromStorage([2], new Int32Array([1, 2])) };
    expect(() => adam().init(p)).toThrow(DTypeError);
    expect(() => adam().init(p)).toThrow("adam: parameter 'n' has dtype int32; optimizers work on float32 and float64 tensors");
  });

  it('applyUpdates names the path too', () => {
    expect(() => applyUpdates(params, { ...grads(), fc: [t([1])] })).toThrow("applyUpdates: update for 'fc.0' has shape [1], parameter has [2]");
  });

  it('weight decay without params is refused', () => {
    const opt = adamw({ weightDecay: 0.1 });
    expect(() => opt.update(grads(), opt.init(params))).toThrow('adamw: weightDecay needs the parameters; pass them to update');
  });

  it('a chain refuses a state that is not its own', () => {
    const opt = chain(clipByGlobalNorm(1), adam());
    const other = chain(adam());
    const wrong = other.init(params) as unknown as ReturnType<typeof opt.init>;
    expect(() => opt.update(grads(), wrong, params)).toThrow(
      "chain: the state has 1 entries for 2 transformations; was it made by this chain's init?",
    );
  });
});

describe('state is a value: update never writes it', () => {
  it('the same state can be used twice and gives the same bits; the old state does not move', () => {
    const opt = chain(clipByGlobalNorm(1), adam({ lr: 0.1, amsgrad: true }));
    const params = smallParams();
    const [, s1] = opt.step(smallGrads(0), opt.init(params), params);
    const snapshot = throughFile(s1);
    const [a, sa] = opt.step(smallGrads(1), s1, params);
    const [b, sb] = opt.step(smallGrads(1), s1, params);
    expect(bitEqual(a, b)).toBe(true);
    expect(sameTree(sa, sb)).toBe(true);
    expect(sameTree(s1, snapshot)).toBe(true);
    expect(sa[1].adam.mu).not.toBe(s1[1].adam.mu);
  });

  it('states are frozen records', () => {
    const opt = applyIfFinite(chain(clipByGlobalNorm(1), sgd({ lr: 0.1, momentum: 0.9 })));
    const params = smallParams();
    const [, state] = opt.step(smallGrads(0), opt.init(params), params);
    for (const node of [state, state.inner, state.inner[0], state.inner[1], state.inner[1].momentum, state.inner[1].lr]) expect(Object.isFrozen(node)).toBe(true);
  });
});

describe('a chain is transactional: a failing link leaves the state intact', () => {
  /** A link that throws while `broken.now` is set, e.g. a disk or a schedule failing mid-step. */
  const broken = { now: false };
  const flaky: GradientTransformation<typeof identityState> = {
    init: () => identityState,
    update(updates, state) {
      if (broken.now) throw new Error('flaky: failed');
      return { updates, state };
    },
  };
  const identityState = identity().init(undefined);

  it('after the throw the same state retries to exactly the result of a run that never failed', () => {
    const opt = chain(clipByGlobalNorm(1), sgd({ lr: 0.1, momentum: 0.9 }), adam({ lr: 0.01 }), flaky);
    let params = smallParams();
    let state = opt.init(params);
    let reference = { params, state };
    for (let k = 0; k < 3; k++) {
      [params, state] = opt.step(smallGrads(k), state, params);
      reference = { params, state };
    }
    const before = throughFile(state);
    broken.now = true;
    expect(() => opt.step(smallGrads(3), state, params)).toThrow('flaky: failed');
    broken.now = false;
    expect(sameTree(state, before)).toBe(true); // clip's norm, sgd's momentum, adam's moments and counts: untouched
    const [retried, retriedState] = opt.step(smallGrads(3), state, params);
    const [straight, straightState] = opt.step(smallGrads(3), reference.state, reference.params);
    expect(bitEqual(retried, straight)).toBe(true);
    expect(sameTree(retriedState, straightState)).toBe(true);
  });
});
