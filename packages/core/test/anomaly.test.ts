import { describe, expect, it } from 'vitest';
import { AnomalyError, detectAnomaly, div, exp, grad, log, mul, sqrt, sub, sum, tensor, zeros, type Tensor } from '../src/index.js';

describe('NaN and Infinity without detectAnomaly', () => {
  it('propagate silently, as in IEEE arithmetic', () => {
    const x = tensor([-1, 0, 4], { dtype: 'float64' });
    expect(log(x).toFlatArray()).toEqual([NaN, -Infinity, Math.log(4)]);
    expect(div(tensor([1]), tensor([0])).item()).toBe(Infinity);
    expect(grad((v: Tensor) => sum(sqrt(v)))(zeros([1], 'float64')).item()).toBe(Infinity);
  });
});

describe('detectAnomaly', () => {
  it('names the first op whose output is not finite, with its shapes', () => {
    const x = tensor([[1, 3]], { dtype: 'float64' });
    let caught: unknown;
    try {
      detectAnomaly(() => exp(sqrt(sub(x, 2)))); // sqrt(-1) is the first NaN; exp would follow
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AnomalyError);
    const message = (caught as Error).message;
    expect(message).toMatch(/^sqrt produced NaN at flat index 0 of its output \[1,2\] \(inputs: \[1,2\]\)/);
  });

  it('catches Infinity too (float32 overflow)', () => {
    expect(() => detectAnomaly(() => exp(tensor([100])))).toThrow(/^exp produced Infinity/);
  });

  it('names the forward op whose backward rule produced the non-finite value', () => {
    // sqrt(0) is fine forward; its derivative 1/(2·sqrt(0)) is not.
    const f = (v: Tensor): Tensor => sum(mul(sqrt(v), 3));
    expect(() => detectAnomaly(() => grad(f)(tensor([0, 1], { dtype: 'float64' })))).toThrow(/in the backward rule of sqrt produced Infinity/);
  });

  it('returns the value when everything is finite', () => {
    expect(detectAnomaly(() => sum(exp(tensor([0, 0]))).item())).toBe(2);
  });

  it('is scoped: off again after the callback, even after a throw', () => {
    expect(() => detectAnomaly(() => log(tensor([-1])))).toThrow(AnomalyError);
    expect(log(tensor([-1])).item()).toBeNaN();
    // and nesting restores the outer setting
    detectAnomaly(() => {
      detectAnomaly(() => exp(tensor([1])));
      expect(() => log(tensor([-1]))).toThrow(AnomalyError);
    });
  });
});
