import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cast,
  ShapeError,
  Tensor,
  ValueError,
  add,
  arange,
  eye,
  fromStorage,
  full,
  linspace,
  mul,
  oneHot,
  ones,
  onesLike,
  scalar,
  tensor,
  zeros,
  zerosLike,
  type NestedArray,
} from '../src/index.js';
import { propertyRuns } from '../src/testing/index.js';
import { expectTensor } from './helpers.js';

describe('tensor()', () => {
  it('infers the shape of nested arrays and stores them row-major', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectTensor(t, [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(t.dtype).toBe('float32');
    expect(t.rank).toBe(2);
    expect(t.size).toBe(6);
  });

  it('makes a 0-d tensor from a number', () => {
    const t = tensor(7);
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(7);
    expect(t.toArray()).toBe(7);
  });

  it('handles empty dimensions', () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(zeros([3, 0, 2]).size).toBe(0);
  });

  it('copies typed arrays and takes their dtype', () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const t = tensor(src, { shape: [2, 2] });
    expect(t.dtype).toBe('float64');
    src[0] = 100;
    expect(t.data[0]).toBe(1);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
  });

  it('converts to the requested dtype (int32 only from integers: cast truncates)', () => {
    expectTensor(tensor([2, -3, 0], { dtype: 'int32' }), [3], [2, -3, 0]);
    expectTensor(cast(tensor([2.7, -2.7, 0.5]), 'int32'), [3], [2, -2, 0]);
    expect(tensor(new Float32Array([1.5]), { dtype: 'float64' }).data).toBeInstanceOf(Float64Array);
    // float32 storage rounds to the nearest float32
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
  });

  it('accepts a shape for flat data and checks the element count', () => {
    expectTensor(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }), [3, 2], [1, 2, 3, 4, 5, 6]);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(3), { shape: [2, 2] })).toThrow(/shape \[2,2\] needs 4 elements, got 3/);
  });

  it('rejects ragged nested arrays', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([1, [2]] as unknown as NestedArray)).toThrow(/ragged/);
  });

  it('round-trips through toArray for random nested arrays', () => {
    const nested = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 })
      .chain((shape) => {
        const build = (dims: number[]): fc.Arbitrary<NestedArray> =>
          dims.length === 0
            ? fc.integer({ min: -1000, max: 1000 })
            : fc.array(build(dims.slice(1)), { minLength: dims[0], maxLength: dims[0] });
        return build(shape).map((data) => ({ shape, data }));
      });
    fc.assert(
      fc.property(nested, ({ shape, data }) => {
        const t = tensor(data, { dtype: 'int32' });
        expect(t.shape).toEqual(shape);
        expect(t.toArray()).toEqual(data);
      }),
      { numRuns: propertyRuns(50) },
    );
  });
});

describe('creation functions', () => {
  it('zeros, ones, full, scalar', () => {
    expectTensor(zeros([2, 2]), [2, 2], [0, 0, 0, 0]);
    expectTensor(ones([3], 'int32'), [3], [1, 1, 1]);
    expect(ones([3], 'int32').dtype).toBe('int32');
    expectTensor(full([2], 2.5, 'float64'), [2], [2.5, 2.5]);
    expect(scalar(3, 'float64').shape).toEqual([]);
    expect(scalar(3, 'float64').dtype).toBe('float64');
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => full([1.5], 0)).toThrow(/full: invalid shape/);
  });

  it('zerosLike and onesLike keep shape and dtype', () => {
    const x = tensor([[1, 2]], { dtype: 'float64' });
    const z = zerosLike(x);
    const o = onesLike(x);
    expect([z.shape, z.dtype, Array.from(z.data)]).toEqual([[1, 2], 'float64', [0, 0]]);
    expect([o.shape, o.dtype, Array.from(o.data)]).toEqual([[1, 2], 'float64', [1, 1]]);
  });

  it('arange counts like numpy.arange', () => {
    expectTensor(arange(4), [4], [0, 1, 2, 3]);
    expectTensor(arange(2, 5), [3], [2, 3, 4]);
    expectTensor(arange(5, 0, -2), [3], [5, 3, 1]);
    expectTensor(arange(0, 1, 0.25, 'float64'), [4], [0, 0.25, 0.5, 0.75]);
    expect(arange(3, 1).size).toBe(0);
    expect(() => arange(0, 1, 0)).toThrow(ValueError);
  });

  it('linspace includes both ends', () => {
    expectTensor(linspace(0, 1, 5, 'float64'), [5], [0, 0.25, 0.5, 0.75, 1]);
    expectTensor(linspace(2, 3, 1), [1], [2]);
    expect(linspace(0, 1, 0).size).toBe(0);
    expect(linspace(-1, 0.3, 7, 'float64').data[6]).toBe(0.3);
    expect(() => linspace(0, 1, -1)).toThrow(ValueError);
  });

  it('eye builds (rectangular) identities', () => {
    expectTensor(eye(2), [2, 2], [1, 0, 0, 1]);
    expectTensor(eye(2, 3), [2, 3], [1, 0, 0, 0, 1, 0]);
  });

  it('fromStorage wraps without copying and checks the size', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = fromStorage([2, 3], data);
    expect(t.data).toBe(data);
    expect(t.dtype).toBe('float64');
    expect(() => fromStorage([4], new Float32Array(3))).toThrow(ShapeError);
  });

  it('oneHot sets one position per index', () => {
    const t = oneHot(tensor([2, 0, 1], { dtype: 'int32' }), 3);
    expectTensor(t, [3, 3], [0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(t.dtype).toBe('float32');
    expect(oneHot(tensor([[1]], { dtype: 'int32' }), 2, 'float64').shape).toEqual([1, 1, 2]);
    expect(() => oneHot(tensor([3], { dtype: 'int32' }), 3)).toThrow(/oneHot: index 3 is out of range \[0, 3\)/);
  });
});

describe('Tensor', () => {
  it('has unique ids', () => {
    const ids = new Set(Array.from({ length: 100 }, () => zeros([1]).id));
    expect(ids.size).toBe(100);
  });

  it('item() needs exactly one element', () => {
    expect(tensor([[4]]).item()).toBe(4);
    expect(() => tensor([1, 2]).item()).toThrow(/item: tensor of shape \[2\] has 2 elements, not 1/);
  });

  it('describes itself', () => {
    expect(String(zeros([2, 3], 'float64'))).toBe('Tensor(float64 [2,3])');
    expect(tensor([1, 2]).toFlatArray()).toEqual([1, 2]);
  });

  it('rejects storage of the wrong size', () => {
    expect(() => new Tensor([2, 2], new Float32Array(3))).toThrow(ShapeError);
  });

  it('ops never mutate their inputs', () => {
    const a = tensor([[1, 2, 3]]);
    const b = tensor([[4], [5]]);
    const before = [Array.from(a.data), Array.from(b.data)];
    add(a, b);
    mul(a, 2);
    expect([Array.from(a.data), Array.from(b.data)]).toEqual(before);
  });
});
