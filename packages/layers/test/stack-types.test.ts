import { describe, expect, it } from 'vitest';
import { Rng, type Tensor } from '@tapestry/core';
import { bidirectional, gruCell, lstmCell, recurrent, stackLayers, type LstmCarry } from '../src/recurrent/index.js';

describe('stackLayers of different layers', () => {
  it('types and runs a bidirectional LSTM under a unidirectional GRU', () => {
    const net = stackLayers([bidirectional(lstmCell({ hiddenSize: 3 })), recurrent(gruCell({ hiddenSize: 2 }))]);
    const rng = new Rng(0);
    const params = net.init(rng, 4);
    const out = net.apply(params, rng.normal([2, 5, 4]), { lengths: [5, 3] });
    // The carry is a typed tuple: the first entry has both directions' { h, c }.
    const first: { forward: LstmCarry; backward: LstmCarry } = out.carry[0];
    const second: Tensor = out.carry[1];
    expect(out.outputs.shape).toEqual([2, 5, 2]);
    expect(first.backward.c.shape).toEqual([2, 3]);
    expect(second.shape).toEqual([2, 2]);
    expect(params[0].forward.weight_ih.shape).toEqual([12, 4]);
    expect(params[1].weight_ih.shape).toEqual([6, 6]);
  });
});
