// Bad input a new user might give core: each gets a Tapestry error naming the op and the
// problem, or a documented result — never a bare RangeError/TypeError, a silent wrap or
// a value that is not what was asked for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  GradientError,
  ShapeError,
  Tensor,
  Rng,
  ValueError,
  add,
  argmax,
  argmin,
  arange,
  flatten,
  full,
  grad,
  jsBackend,
  scalar,
  sliceAxis,
  sum,
  tensor,
  unflatten,
  valueAndGrad,
  vjp,
  zeros,
  type DType,
} from '../src/index.js';
import { propertyRuns } from '../src/testing/index.js';

describe('a tensor owns its shape', () => {
  it('mutating the array passed in does not change the tensor', () => {
    const shape = [2, 3];
    const t = tensor(new Float32Array(6).fill(1), { shape });
    const z = zeros(shape);
    const raw = new Tensor(shape, new Float32Array(6));
    shape[0] = 3;
    shape.push(7);
    for (const x of [t, z, raw]) expect(x.shape).toEqual([2, 3]);
    expect(add(t, z).toFlatArray()).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("a tensor's shape is never the array it was given, nor another tensor's", () => {
    const shape = [2, 2];
    const t = new Tensor(shape, new Float32Array(4));
    expect(t.shape).not.toBe(shape);
    expect(add(t, t).shape).not.toBe(shape);
  });
});

describe('grad refuses leaves that cannot have a gradient', () => {
  it('a plain number: an error, not the number itself', () => {
    const f = (x: number): Tensor => scalar(x * x);
    expect(() => grad(f as unknown as (x: Tensor) => Tensor)(3 as unknown as Tensor)).toThrow(GradientError);
    expect(() => grad(f as unknown as (x: Tensor) => Tensor)(3 as unknown as Tensor)).toThrow(/argument 0 is a number/);
  });

  it('a number nested in a parameter tree is named by its path', () => {
    const loss = (p: { w: Tensor; opts: { scale: number } }): Tensor => sum(p.w);
    expect(() => grad(loss)({ w: tensor([1, 2]), opts: { scale: 2 } })).toThrow("argument 0 at 'opts.scale' is a number");
  });

  it('an int32 tensor is refused, naming the path, instead of returning int32 zeros', () => {
    const loss = (p: { w: Tensor; ids: Tensor }): Tensor => sum(p.w);
    expect(() => valueAndGrad(loss)({ w: tensor([1]), ids: tensor([1, 2], { dtype: 'int32' }) })).toThrow("argument 0 at 'ids' is an int32 tensor");
    expect(() => vjp((x: Tensor) => x, tensor([1], { dtype: 'int32' }))).toThrow(/vjp: primal 0 is an int32 tensor/);
  });

  it('null and undefined entries (absent optional parameters) come back as they are', () => {
    const loss = (p: { w: Tensor; b: Tensor | null }): Tensor => sum(p.w);
    const g = grad(loss)({ w: tensor([1, 2]), b: null });
    expect(g.b).toBeNull();
    expect(g.w.toFlatArray()).toEqual([1, 1]);
  });
});

describe('sliceAxis follows Python/NumPy slicing', () => {
  it('an empty range gives an empty tensor (issue: sliceAxis(x, 1, 2, 1) returned one element)', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(sliceAxis(x, 1, 2, 1).shape).toEqual([2, 0]);
    expect(sliceAxis(x, 1, 2, 2).shape).toEqual([2, 0]);
    expect(sliceAxis(x, 1, -1, 0).shape).toEqual([2, 0]);
  });

  it('agrees with Array.prototype.slice (same rule as Python) for any start and end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: -9, max: 9 }), fc.option(fc.integer({ min: -9, max: 9 }), { nil: undefined }), (n, start, end) => {
        const values = Array.from({ length: n }, (_, i) => i + 1);
        const got = sliceAxis(tensor([values], { shape: [1, n] }), 1, start, end);
        expect(got.toFlatArray()).toEqual(values.slice(start, end));
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('non-integer bounds are refused', () => {
    expect(() => sliceAxis(tensor([1, 2, 3]), 0, 0.5)).toThrow(ShapeError);
  });
});

describe('creation errors name the op and the problem', () => {
  it('a shape too large for any typed array', () => {
    expect(() => zeros([1e6, 1e6])).toThrow(ShapeError);
    expect(() => zeros([1e6, 1e6])).toThrow('zeros: shape [1000000,1000000] has 1000000000000 elements');
    expect(() => full([2 ** 20, 2 ** 20], 1)).toThrow(/^full: /);
  });

  it('an unsupported dtype such as float16', () => {
    const f16 = 'float16' as DType;
    for (const make of [() => tensor([1, 2], { dtype: f16 }), () => zeros([2], f16), () => scalar(1, f16), () => arange(3, undefined, 1, f16), () => new Rng(0).normal([2], { dtype: f16 })]) {
      expect(make).toThrow(DTypeError);
      expect(make).toThrow(/unsupported dtype "float16"; Tapestry has float32, float64, int32/);
    }
  });

  it('int32 tensors from non-integers or out-of-range values are refused, not truncated or wrapped', () => {
    expect(() => tensor([1.7, 3e10], { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor([1.7, 3e10], { dtype: 'int32' })).toThrow(/tensor: 1.7 \(element 0\) is not an int32 value/);
    expect(() => tensor([1, 3e10], { dtype: 'int32' })).toThrow(/3000000000\d* \(element 1\)/);
    expect(() => tensor(new Float64Array([NaN]), { dtype: 'int32' })).toThrow(/NaN/);
    expect(() => full([2], 0.5, 'int32')).toThrow(/full: 0.5/);
    expect(tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: 'int32' }).toFlatArray()).toEqual([-(2 ** 31), 2 ** 31 - 1]);
  });

  it('argmax and argmin of an empty axis', () => {
    expect(() => argmax(zeros([2, 0]), 1)).toThrow('argmax: axis 1 of [2,0] is empty');
    expect(() => argmin(zeros([0]))).toThrow(ShapeError);
    expect(argmax(zeros([0, 3]), 1).shape).toEqual([0]);
  });
});

describe('flatten and unflatten refuse ambiguous paths', () => {
  it("a dotted key beside the key it extends would merge with it on unflatten", () => {
    const t = tensor([1]), u = tensor([2]);
    expect(() => flatten({ 'a.b': t, a: { c: u } })).toThrow(ShapeError);
    expect(() => flatten({ 'a.b': t, a: { c: u } })).toThrow(`flatten: the keys "a" and "a.b" give paths that unflatten cannot tell apart`);
    expect(() => flatten({ x: { 'p.q.r': t, 'p.q': { s: u } } })).toThrow(`the keys "p.q" and "p.q.r" under 'x'`);
    expect(() => flatten({ x: { '': t } })).toThrow(`an empty key under 'x'`);
  });

  it('a flat state dict with dotted keys still flattens to its own keys', () => {
    const t = tensor([1]), u = tensor([2]);
    expect(flatten({ 'fc.weight': t, 'fc.bias': u }).map((e) => e.path)).toEqual(['fc.weight', 'fc.bias']);
  });

  it('a path with an empty part is refused', () => {
    expect(() => unflatten({ 'a..b': tensor([1]), c: tensor([2]) })).toThrow(/empty part/);
  });
});

describe('element-wise kernels run only known kinds', () => {
  it('a kind that is not in the table never reaches code generation', () => {
    const x = tensor([1]);
    const evil = 'x; globalThis.__tapestryInjected = 1; //' as Parameters<typeof jsBackend.unary>[0];
    expect(() => jsBackend.unary(evil, x)).toThrow(/unary: unknown kind/);
    expect(() => jsBackend.unary('constructor' as Parameters<typeof jsBackend.unary>[0], x)).toThrow(/unknown kind/);
    expect(() => jsBackend.binary('toString' as Parameters<typeof jsBackend.binary>[0], x, x, [1])).toThrow(/binary: unknown kind/);
    expect((globalThis as Record<string, unknown>).__tapestryInjected).toBeUndefined();
  });
});
