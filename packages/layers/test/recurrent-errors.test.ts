import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, ValueError, add, zeros, type Tensor } from '@tapestry/core';
import { GRU, LSTM, LSTMCellModule, bidirectional, lstmCell, rnnCell, scan, stackLayers, recurrent, type Cell } from '../src/recurrent/index.js';

const rng = new Rng(0);
const cell = lstmCell({ hiddenSize: 4 });
const params = cell.init(rng, 3);
const xs = rng.normal([2, 5, 3]);

function expectShapeError(fn: () => unknown, ...fragments: string[]): void {
  expect(fn).toThrow(ShapeError);
  try {
    fn();
  } catch (e) {
    for (const f of fragments) expect((e as Error).message).toContain(f);
  }
}

describe('scan rejects bad input with the layer and the shapes', () => {
  it('input of the wrong rank', () => expectShapeError(() => scan(cell, params, rng.normal([2, 3])), 'scan(lstm)', '[B, T, F]', '[2,3]'));
  it('input of the wrong feature size', () => expectShapeError(() => scan(cell, params, rng.normal([2, 5, 4])), 'scan(lstm): matmul', '[10,4]'));
  it('lengths of 0, beyond T, or of the wrong count', () => {
    expectShapeError(() => scan(cell, params, xs, { lengths: [0, 5] }), 'scan(lstm)', 'lengths[0] = 0', '[1, 5]');
    expectShapeError(() => scan(cell, params, xs, { lengths: [5, 6] }), 'lengths[1] = 6');
    expectShapeError(() => scan(cell, params, xs, { lengths: [5] }), '1 lengths for a batch of 2');
  });
  it('a carry of the wrong shape or structure', () => {
    expectShapeError(() => scan(cell, params, xs, { carry: { h: zeros([2, 4]), c: zeros([2, 5]) } }), "carry 'c' has shape [2,5], expected [2,4]");
    expectShapeError(() => scan(cell, params, xs, { carry: { h: zeros([3, 4]), c: zeros([3, 4]) } }), "carry 'h' has shape [3,4], expected [2,4]");
    expectShapeError(() => scan(cell, params, xs, { carry: zeros([2, 4]) as never }), 'the carry has entries []', 'expected [h, c]');
  });
  it('a cell whose step returns a carry of a different structure', () => {
    const broken: Cell<Record<string, never>, { h: Tensor; c: Tensor }> = {
      name: 'broken',
      outputSize: 4,
      init: () => ({}),
      initCarry: (b) => ({ h: zeros([b, 4]), c: zeros([b, 4]) }),
      step: (_p, { h }, x) => [{ h: add(h, x) } as never, h],
    };
    expectShapeError(() => scan(broken, {}, rng.normal([2, 3, 4])), 'scan(broken): step returned a carry unlike the one it was given', '[h]', 'expected [h, c]');
  });
  it('a cell whose output has the wrong width', () => {
    const wide = { ...rnnCell({ hiddenSize: 3 }), outputSize: 5 };
    expectShapeError(() => scan(wide, wide.init(rng, 2), rng.normal([2, 3, 2])), 'output of shape [2,3], expected [2,5]');
  });
});

describe('modules reject bad input naming the module', () => {
  const lstm = LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true });
  const p = lstm.init(rng);
  it('input size and initial state shapes', () => {
    expectShapeError(() => lstm.apply(p, rng.normal([2, 5, 2])), 'lstm: input must be [B, T, 3], got [2,5,2]');
    expectShapeError(() => lstm.apply(p, xs, { h0: zeros([2, 2, 4]), c0: zeros([4, 2, 4]) }), 'lstm: h0 must be [4, 2, 4], got [2,2,4]');
    expect(() => lstm.apply(p, xs, { h0: zeros([4, 2, 4]) })).toThrow(/give both h0 and c0/);
  });
  it('a missing parameter', () => {
    const { weight_hh_l1_reverse: _dropped, ...rest } = p;
    expectShapeError(() => lstm.apply(rest, xs), "missing parameter 'weight_hh_l1_reverse'");
  });
  it('bad hyperparameters', () => {
    expect(() => GRU({ inputSize: 0, hiddenSize: 4 })).toThrow(ValueError);
    expect(() => GRU({ inputSize: 3, hiddenSize: 4, dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => stackLayers([recurrent(cell)], { dropout: -0.1 })).toThrow(/stackLayers: dropout/);
    expect(() => LSTMCellModule({ inputSize: 3, hiddenSize: 2.5 })).toThrow(/hiddenSize must be a positive integer/);
  });
  it('training with dropout needs an rng', () => {
    const net = stackLayers([bidirectional(cell), recurrent(lstmCell({ hiddenSize: 2 }))], { dropout: 0.5 });
    expect(() => net.apply(net.init(rng, 3), xs, { train: true })).toThrow(/needs an rng/);
  });
});
