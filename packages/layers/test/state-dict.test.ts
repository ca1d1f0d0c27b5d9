// State-dict names: the LSTM/GRU/RNN modules and the stackLayers/bidirectional trees of
// the same network get the same PyTorch names (and, seeded alike, the same tensors);
// fromStateDict rebuilds any tree and reports every mismatch at once.
import { Rng, ValueError, tensor, type Tensor } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import {
  GRU,
  LSTM,
  LSTMCellModule,
  StateDictError,
  bidirectional,
  embedding,
  fromStateDict,
  gruCell,
  linear,
  lstmCell,
  recurrent,
  stackLayers,
  toStateDict,
} from '../src/index.js';

const same = (a: Record<string, Tensor>, b: Record<string, Tensor>): void => {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) expect(a[k].toFlatArray(), k).toEqual(b[k].toFlatArray());
};

describe('toStateDict', () => {
  it('a 2-layer bidirectional LSTM module and its stackLayers tree share names and tensors', () => {
    const cell = lstmCell({ hiddenSize: 3 });
    const stack = stackLayers([bidirectional(cell), bidirectional(cell)]);
    const module = LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true });
    const fromStack = toStateDict(stack.init(new Rng(4), 2));
    expect(Object.keys(fromStack)).toEqual([
      ...['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'],
      ...['weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse'],
      ...['weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1'],
      ...['weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse'],
    ]);
    const fromModule = toStateDict(module.init(new Rng(4)));
    expect(Object.keys(fromModule).sort()).toEqual(Object.keys(fromStack).sort());
    for (const k of Object.keys(fromStack)) expect(fromModule[k].toFlatArray(), k).toEqual(fromStack[k].toFlatArray());
  });

  it('nests module names under dotted paths, as torch.nn does for submodules', () => {
    const params = {
      embed: embedding.init(new Rng(0), 5, 3),
      rnn: stackLayers([recurrent(gruCell({ hiddenSize: 4 }))]).init(new Rng(1), 3),
      head: linear.init(new Rng(2), 4, 5),
    };
    expect(Object.keys(toStateDict(params))).toEqual(['embed.weight', 'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.weight', 'head.bias']);
    expect(Object.keys(toStateDict({ rnn: GRU({ inputSize: 3, hiddenSize: 4 }).init(new Rng(1)) }))).toEqual(['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0']);
  });

  it('a lone cell keeps torch.nn.LSTMCell names; a lone bidirectional layer is layer 0', () => {
    expect(Object.keys(toStateDict(LSTMCellModule({ inputSize: 2, hiddenSize: 3 }).init(new Rng(0))))).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    expect(Object.keys(toStateDict({ bi: bidirectional(gruCell({ hiddenSize: 2 })).init(new Rng(0), 2) }))).toContain('bi.bias_hh_l0_reverse');
  });

  it('refuses a tree in which two tensors would get one name', () => {
    const gates = { weight_ih: tensor([1]), weight_hh: tensor([1]), bias_ih: tensor([1]), bias_hh: tensor([1]) };
    expect(() => toStateDict({ lstm: [gates], 'lstm.weight_ih_l0': tensor([2]) })).toThrow(ValueError);
  });
});

describe('fromStateDict', () => {
  it('round-trips any tree, sharing the tensors', () => {
    const params = { lstm: stackLayers([recurrent(lstmCell({ hiddenSize: 2 })), recurrent(lstmCell({ hiddenSize: 2 }))]).init(new Rng(3), 4), head: linear.init(new Rng(5), 2, 1) };
    const back = fromStateDict(toStateDict(params), { lstm: stackLayers([recurrent(lstmCell({ hiddenSize: 2 })), recurrent(lstmCell({ hiddenSize: 2 }))]).init(new Rng(9), 4), head: linear.init(new Rng(9), 2, 1) });
    if (back._tag === 'Left') throw back.left;
    same(toStateDict(back.right), toStateDict(params));
    expect(back.right.lstm[1].weight_hh).toBe(params.lstm[1].weight_hh);
  });

  it('reports missing, unexpected, wrong-shape and wrong-dtype entries all at once', () => {
    const template = { fc: linear.init(new Rng(0), 3, 2), out: linear.init(new Rng(0), 2, 1) };
    const dict = { 'fc.weight': tensor([[1, 2]]), 'fc.bias': new Rng(0).normal([2], { dtype: 'float64' }), 'out.weight': tensor([[1, 2]]), extra: tensor([0]) };
    const result = fromStateDict(dict, template, 'model.safetensors');
    if (result._tag === 'Right') throw new Error('loaded a mismatched state dict');
    expect(result.left).toBeInstanceOf(StateDictError);
    expect(result.left.mismatch).toEqual({
      missing: ['out.bias'],
      unexpected: ['extra'],
      wrongShape: [{ name: 'fc.weight', expected: '[2,3]', got: '[1,2]' }],
      wrongDType: [{ name: 'fc.bias', expected: 'float32', got: 'float64' }],
    });
    expect(result.left.message).toBe(
      "model.safetensors does not fit the model: missing: 'out.bias'; unexpected: 'extra'; 'fc.weight' has shape [1,2], the model has [2,3]; 'fc.bias' is float64, the model is float32",
    );
  });
});
