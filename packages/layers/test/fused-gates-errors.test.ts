// The fused gate ops check shapes and dtypes like every other op, naming the op and shapes.
import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, zeros } from '@tapestry/core';
import { gruGates, lstmGates } from '../src/index.js';

describe('fused gate ops refuse bad operands', () => {
  it('lstmGates: gates of the wrong width or batch, non-matrices, mixed or integer dtypes', () => {
    expect(() => lstmGates(zeros([2, 12]), zeros([2, 4]))).toThrow(ShapeError);
    expect(() => lstmGates(zeros([2, 12]), zeros([2, 4]))).toThrow('lstmGates: gates must be [B, 4·H] = [2, 16] for a carry of [2,4], got shapes [2,12], [2,4]');
    expect(() => lstmGates(zeros([3, 16]), zeros([2, 4]))).toThrow(/lstmGates: gates must be .* got shapes \[3,16\], \[2,4\]/);
    expect(() => lstmGates(zeros([16]), zeros([2, 4]))).toThrow('lstmGates: every operand must be a matrix, got shapes [16], [2,4]');
    expect(() => lstmGates(zeros([2, 16], 'float64'), zeros([2, 4]))).toThrow(DTypeError);
    expect(() => lstmGates(zeros([2, 16], 'int32'), zeros([2, 4], 'int32'))).toThrow('lstmGates: operands must share one float dtype, got int32, int32');
  });

  it('gruGates: each gate block checked against the carry', () => {
    expect(() => gruGates(zeros([2, 12]), zeros([2, 9]), zeros([2, 4]))).toThrow('gruGates: gates must be [B, 3·H] = [2, 12] for a carry of [2,4], got shapes [2,12], [2,9], [2,4]');
    expect(() => gruGates(zeros([2, 12]), zeros([2, 12], 'float64'), zeros([2, 4]))).toThrow('gruGates: operands must share one float dtype, got float32, float64, float32');
  });

  it('valid operands still compute', () => {
    const [h, c] = lstmGates(zeros([2, 16]), zeros([2, 4]));
    expect(h.shape).toEqual([2, 4]);
    expect(c.shape).toEqual([2, 4]);
    expect(gruGates(zeros([2, 12]), zeros([2, 12]), zeros([2, 4])).shape).toEqual([2, 4]);
  });
});
