import { describe, expect, it } from 'vitest';
import { DTypeError, Rng, ShapeError, ValueError, tensor } from '@tapestry/core';
import { gateBias, gruGateNames, lstmGateNames, pytorchRecurrentInit } from '../src/init/index.js';

describe('gateBias', () => {
  it('sets the forget block (second of i, f, g, o) of an LSTM bias', () => {
    const b = gateBias(3, lstmGateNames, { forget: 1 }, { dtype: 'float64' });
    expect(b.shape).toEqual([12]);
    expect(b.dtype).toBe('float64');
    expect(Array.from(b.data)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('sets several blocks, for GRU order r, z, n too', () => {
    expect(Array.from(gateBias(2, gruGateNames, { update: -1, new: 0.5 }).data)).toEqual([0, 0, -1, -1, 0.5, 0.5]);
  });

  it('keeps the other blocks of a base bias and does not modify it', () => {
    const base = pytorchRecurrentInit(new Rng(0), [8], 2, { dtype: 'float64' });
    const before = Array.from(base.data);
    const b = gateBias(2, lstmGateNames, { forget: 1 }, { base });
    expect(Array.from(b.data)).toEqual([before[0], before[1], 1, 1, ...before.slice(4)]);
    expect(Array.from(base.data)).toEqual(before);
    expect(b.dtype).toBe('float64');
  });

  it('rejects unknown gates, bad sizes and a mismatched base', () => {
    expect(() => gateBias(2, lstmGateNames, { forgot: 1 } as never)).toThrow(new ValueError('gateBias: unknown gate(s) forgot; gates are input, forget, cell, output'));
    expect(() => gateBias(0, lstmGateNames, {})).toThrow(/gateBias: hidden must be a positive integer/);
    expect(() => gateBias(2, ['a', 'a'], {})).toThrow(/gates must be distinct/);
    expect(() => gateBias(2, lstmGateNames, {}, { base: tensor([1, 2]) })).toThrow(new ShapeError('gateBias: base [2] must have shape [8]'));
    expect(() => gateBias(1, ['a'], {}, { base: tensor([1], { dtype: 'int32' }) })).toThrow(DTypeError);
  });
});
