// Misuse of the recurrent layers: each a regression test for a probe that misbehaved
// silently (a broadcast bias, an ignored c0, an undefined module, a crash on T = 0).
import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, ValueError, cast, grad, sum, tensor, type Tensor } from '@tapestry/core';
import { GRU, LSTM, RNN, gruCell, lstmCell, recurrentModule, scan, type RecurrentKind } from '../src/recurrent/index.js';

const rng = new Rng(3);

describe('parameters must have PyTorch layout', () => {
  it('an LSTM bias of shape [1] is refused, not broadcast over every gate', () => {
    const lstm = LSTM({ inputSize: 3, hiddenSize: 4 });
    const params = { ...lstm.init(rng), bias_ih_l0: tensor([0.5]) };
    expect(() => lstm.apply(params, rng.normal([2, 5, 3]))).toThrow(ShapeError);
    expect(() => lstm.apply(params, rng.normal([2, 5, 3]))).toThrow('lstm: bias_ih must have shape [16] (4 gates × hiddenSize 4), got [1]');
  });

  it('a recurrent weight of the wrong shape and mixed dtypes are refused by the cell', () => {
    const cell = gruCell({ hiddenSize: 2 });
    const p = cell.init(rng, 3);
    expect(() => scan(cell, { ...p, weight_hh: rng.normal([6, 3]) }, rng.normal([1, 2, 3]))).toThrow('gru: weight_hh must have shape [6,2]');
    expect(() => scan(cell, { ...p, bias_hh: cast(p.bias_hh, 'float64') }, rng.normal([1, 2, 3]))).toThrow(DTypeError);
  });
});

describe('module options that do not apply are errors', () => {
  it('c0 given to a GRU or an RNN is refused, not ignored', () => {
    for (const module of [GRU({ inputSize: 3, hiddenSize: 4 }), RNN({ inputSize: 3, hiddenSize: 4 })]) {
      const state = rng.normal([1, 2, 4]);
      expect(() => module.apply(module.init(rng), rng.normal([2, 5, 3]), { h0: state, c0: state })).toThrow(ValueError);
      expect(() => module.apply(module.init(rng), rng.normal([2, 5, 3]), { c0: state })).toThrow(`${module.kind}: c0 was given, but only an LSTM has a cell state`);
    }
  });

  it("recurrentModule('transformer') throws, naming the known kinds", () => {
    expect(() => recurrentModule('transformer' as RecurrentKind, { inputSize: 3, hiddenSize: 4 })).toThrow('recurrentModule: unknown kind "transformer"; the built-in kinds are rnn, lstm, gru');
  });
});

describe('scan over zero time steps', () => {
  it('gives an empty output, the initial carry, and gradients that flow through the carry', () => {
    const cell = lstmCell({ hiddenSize: 4 });
    const params = cell.init(rng, 3);
    const carry = { h: rng.normal([2, 4]), c: rng.normal([2, 4]) };
    const out = scan(cell, params, rng.normal([2, 0, 3]), { carry });
    expect(out.outputs.shape).toEqual([2, 0, 4]);
    expect(out.carry.h.toFlatArray()).toEqual(carry.h.toFlatArray());
    const g = grad((h: Tensor) => sum(scan(cell, params, rng.normal([2, 0, 3]), { carry: { h, c: carry.c } }).carry.h))(carry.h);
    expect(g.toFlatArray()).toEqual(new Array(8).fill(1));
  });
});
