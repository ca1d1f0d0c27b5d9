// NaN propagates through every op as in IEEE arithmetic (issue: relu(NaN) gave 0 and hid
// the NaN from detectAnomaly). The registry walk classifies every registered op, so a new
// element-wise op cannot escape the property: each must be listed with its NaN rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax, argmin, detectAnomaly, logSoftmax, matmul, max, min, registeredOps, relu, softmax, sum, tensor, type OpSpec, type Tensor } from '../src/index.js';
import { propertyRuns } from '../src/testing/index.js';

/** What an element-wise op gives where an input is NaN. */
type NaNRule =
  | { kind: 'unary'; attrs?: { p0: number; p1: number } }
  | { kind: 'binary' }
  /** IEEE comparisons: false (0) for NaN, except `!=` (1). */
  | { kind: 'compare'; nanGives: 0 | 1 }
  /** A 0/1 mask from a comparison: 0 at NaN. */
  | { kind: 'mask'; attrs: { p0: number; p1: number } };

const elementwise: Record<string, NaNRule> = {
  exp: { kind: 'unary' }, log: { kind: 'unary' }, log1p: { kind: 'unary' }, sqrt: { kind: 'unary' },
  abs: { kind: 'unary' }, sin: { kind: 'unary' }, cos: { kind: 'unary' }, square: { kind: 'unary' },
  reciprocal: { kind: 'unary' }, sign: { kind: 'unary' }, neg: { kind: 'unary' }, tanh: { kind: 'unary' },
  sigmoid: { kind: 'unary' }, relu: { kind: 'unary' }, softplus: { kind: 'unary' },
  clamp: { kind: 'unary', attrs: { p0: -0.5, p1: 0.5 } },
  add: { kind: 'binary' }, sub: { kind: 'binary' }, mul: { kind: 'binary' }, div: { kind: 'binary' },
  pow: { kind: 'binary' }, maximum: { kind: 'binary' }, minimum: { kind: 'binary' },
  equal: { kind: 'compare', nanGives: 0 }, notEqual: { kind: 'compare', nanGives: 1 },
  less: { kind: 'compare', nanGives: 0 }, lessEqual: { kind: 'compare', nanGives: 0 },
  greater: { kind: 'compare', nanGives: 0 }, greaterEqual: { kind: 'compare', nanGives: 0 },
  positive: { kind: 'mask', attrs: { p0: 0, p1: 0 } }, inRange: { kind: 'mask', attrs: { p0: -1, p1: 1 } },
};

/** Ops that are not element-wise; their NaN behaviour is checked one by one below. */
const notElementwise = [
  'where', 'reshape', 'permute', 'broadcastTo', 'sum', 'max', 'min', 'argmax', 'argmin', 'matmul', 'slice', 'pad',
  'concat', 'split', 'gather', 'scatterAdd', 'takeAlongAxis', 'putAlongAxis', 'softmax', 'logSoftmax', 'cast',
];

function forward(spec: OpSpec<unknown>, inputs: Tensor[], attrs: unknown): Tensor {
  const result = spec.forward(inputs, attrs);
  if (Array.isArray(result)) return result[0];
  return 'outputs' in result ? result.outputs[0] : result;
}

/** Values in [-3, 3] with NaN at random places (at least one). */
const withNaNs = fc
  .array(fc.oneof(fc.constant(NaN), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 1, maxLength: 12 })
  .map((v) => (v.some(Number.isNaN) ? v : [...v, NaN]));

describe('NaN propagation', () => {
  it('every registered op is classified (element-wise with a NaN rule, or checked separately)', () => {
    const unclassified = registeredOps().map((s) => s.name).filter((n) => !(n in elementwise) && !notElementwise.includes(n));
    expect(unclassified).toEqual([]);
  });

  for (const spec of registeredOps().filter((s) => s.name in elementwise)) {
    const rule = elementwise[spec.name];
    it(`${spec.name}: NaN in gives ${rule.kind === 'compare' || rule.kind === 'mask' ? 'the IEEE comparison result' : 'NaN out'}, every other element as without NaN`, () => {
      fc.assert(
        fc.property(withNaNs, fc.array(fc.double({ min: 0.5, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }), fc.constantFrom('float32', 'float64' as const), (a, bs, dtype) => {
          const x = tensor(a, { dtype });
          // The second operand: finite and non-zero, so pow(NaN, 0) = 1 (IEEE) never arises.
          const y = tensor(bs.slice(0, a.length), { dtype });
          const binary = rule.kind === 'binary' || rule.kind === 'compare';
          const attrs = rule.kind === 'unary' ? (rule.attrs ?? { p0: 0, p1: 0 }) : rule.kind === 'mask' ? rule.attrs : undefined;
          for (const inputs of binary ? [[x, y], [y, x]] : [[x]]) {
            const out = forward(spec, inputs, attrs).data;
            a.forEach((v, i) => {
              if (!Number.isNaN(v)) return;
              if (rule.kind === 'compare') expect(out[i]).toBe(rule.nanGives);
              else if (rule.kind === 'mask') expect(out[i]).toBe(0);
              else expect(out[i], `${spec.name} at element ${i}`).toBeNaN();
            });
          }
        }),
        { numRuns: propertyRuns(25) },
      );
    });
  }

  it('reductions, softmax and matmul give NaN in every output that reads a NaN', () => {
    const x = tensor([[1, NaN, 3], [4, 5, 6]], { dtype: 'float64' });
    expect(sum(x, 1).toFlatArray()).toEqual([NaN, 15]);
    expect(max(x, 1).toFlatArray()).toEqual([NaN, 6]);
    expect(min(x, 1).toFlatArray()).toEqual([NaN, 4]);
    expect(softmax(x, 1).toFlatArray().slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(logSoftmax(x, 1).toFlatArray().slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(matmul(x, tensor([[1], [1], [1]], { dtype: 'float64' })).toFlatArray()).toEqual([NaN, 15]);
  });

  it('argmax and argmin point at the first NaN, as NumPy does', () => {
    const x = tensor([[1, NaN, 3, NaN], [4, 5, 6, 0]]);
    expect(argmax(x, 1).toFlatArray()).toEqual([1, 2]);
    expect(argmin(x, 1).toFlatArray()).toEqual([1, 3]);
  });

  it('relu(NaN) is NaN, so detectAnomaly reports it', () => {
    expect(relu(tensor([NaN, -1, 2])).toFlatArray()).toEqual([NaN, 0, 2]);
    expect(() => detectAnomaly(() => relu(tensor([NaN])))).toThrow(/relu/);
  });
});
