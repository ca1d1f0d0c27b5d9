// Bad input: every shape, dtype and axis error is typed and names the op and the
// offending shapes; transforms used wrongly say what is wrong.
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  GradientError,
  ShapeError,
  TapestryError,
  ValueError,
  add,
  arange,
  broadcastTo,
  clamp,
  concat,
  exp,
  gather,
  grad,
  index,
  matmul,
  mul,
  ones,
  pad,
  permute,
  putAlongAxis,
  reshape,
  scatterAdd,
  slice,
  sliceAxis,
  softmax,
  split,
  squeeze,
  stack,
  sum,
  takeAlongAxis,
  tensor,
  transpose,
  valueAndGrad,
  valueAndGradWithAux,
  where,
  zeros,
  type Tensor,
} from '../src/index.js';

/** Runs `fn`, expecting an error of `type` whose message contains every fragment. */
function expectError(fn: () => unknown, type: new (...args: never[]) => Error, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an error').toBeInstanceOf(type);
  expect(caught).toBeInstanceOf(TapestryError);
  const message = (caught as Error).message;
  for (const f of fragments) expect(message).toContain(f);
}

const ints = (data: number[]): Tensor => tensor(data, { dtype: 'int32' });

describe('shape errors name the op and the shapes', () => {
  it('matmul: inner dimensions', () => {
    expectError(() => matmul(ones([32, 64]), ones([128, 256])), ShapeError, 'matmul: inner dimensions differ: [32,64] · [128,256]');
    expectError(() => matmul(ones([32, 64]), ones([128, 256]), { transB: true }), ShapeError, 'matmul: inner dimensions differ: [32,64] ·ᵀ [128,256]');
    expectError(() => matmul(ones([3]), ones([3, 2])), ShapeError, 'matmul: operands need rank >= 2', '[3]', '[3,2]');
    expectError(() => matmul(ones([2, 2, 3]), ones([3, 3, 1])), ShapeError, 'matmul', '[2]', '[3]', 'do not broadcast');
  });

  it('element-wise broadcasting', () => {
    expectError(() => add(ones([2, 3]), ones([4])), ShapeError, 'add: shapes [2,3] and [4] do not broadcast');
    expectError(() => mul(ones([2]), ones([3])), ShapeError, 'mul: shapes [2] and [3]');
    expectError(() => where(ones([2]), ones([3]), 0), ShapeError, 'where: shapes [2] and [3]');
    expectError(() => broadcastTo(ones([2, 3]), [3, 3]), ShapeError, 'broadcastTo', '[2,3]', '[3,3]');
    expectError(() => broadcastTo(ones([2, 3]), [3]), ShapeError, 'broadcastTo: cannot broadcast [2,3] to [3]');
  });

  it('axes', () => {
    expectError(() => sum(ones([2, 3]), 2), ShapeError, 'sum: axis 2 is out of range for shape [2,3]');
    expectError(() => sum(ones([2, 3]), [0, -2]), ShapeError, 'sum: repeated axis in [0,-2]');
    expectError(() => softmax(ones([4]), 1), ShapeError, 'softmax: axis 1 is out of range for shape [4]');
    expectError(() => transpose(ones([2, 3]), 0, 5), ShapeError, 'transpose: axis 5', '[2,3]');
    expectError(() => gather(ones([3]), ints([0]), 1), ShapeError, 'gather: axis 1', '[3]');
    expectError(() => concat([ones([2]), ones([2])], 1), ShapeError, 'concat: axis 1', '[2]');
    expectError(() => split(ones([4]), 2, -2), ShapeError, 'split: axis -2', '[4]');
    expectError(() => index(ones([2]), 0, 2), ShapeError, 'index: 2 is out of range for axis 0 of [2]');
  });

  it('reshapes and layout', () => {
    expectError(() => reshape(ones([2, 3]), [4, 2]), ShapeError, 'reshape: cannot reshape [2,3] (6 elements) to [4,2]');
    expectError(() => permute(ones([2, 3]), [0, 0]), ShapeError, 'permute: [0,0] is not a permutation of the axes of [2,3]');
    expectError(() => squeeze(ones([2, 1]), 0), ShapeError, 'squeeze: axis 0 of [2,1] has size 2, not 1');
    expectError(() => slice(ones([2, 3]), [0, 2], [1, 2]), ShapeError, 'slice: block at [0,2] of size [1,2] is outside [2,3]');
    expectError(() => slice(ones([2, 3]), [0], [1]), ShapeError, 'slice: [2,3] needs 2 starts and sizes');
    expectError(() => slice(ones([4]), [0], [1.5]), ShapeError, 'slice');
    // An empty range is an empty tensor (as in NumPy); non-integer bounds are an error.
    expectError(() => sliceAxis(ones([4]), 0, 1.5), ShapeError, 'sliceAxis: start and end must be integers');
    expectError(() => pad(ones([2]), [[-1, 0]]), ShapeError, 'pad: [2] needs 1 non-negative [before, after] pairs');
    expectError(() => concat([ones([2, 3]), ones([2, 4])], 0), ShapeError, 'concat: shapes [2,3], [2,4] differ outside axis 0');
    expectError(() => concat([]), ShapeError, 'concat: needs at least one tensor');
    expectError(() => stack([ones([2]), ones([3])]), ShapeError, 'stack: shapes [2], [3] differ');
    expectError(() => split(ones([5]), 2), ShapeError, 'split: axis 0 of [5] does not split into 2 equal parts');
    expectError(() => split(ones([5]), [6, -1]), ShapeError, 'split: sizes [6,-1]', '[5]');
  });

  it('indexing', () => {
    expectError(() => gather(ones([3, 2]), ints([3])), ShapeError, 'gather: index 3 is out of range [0, 3)');
    expectError(() => gather(ones([3, 2]), ints([-1])), ShapeError, 'gather: index -1 is out of range [0, 3)');
    expectError(() => scatterAdd(ones([2, 2]), ints([0]), 0, 3), ShapeError, 'scatterAdd: updates [2,2] do not match indices [1] at axis 0');
    expectError(() => scatterAdd(ones([1]), ints([0]), 0, 1.5), ShapeError, 'scatterAdd: size must be a non-negative integer');
    expectError(() => takeAlongAxis(ones([2, 3]), ints([0, 1]), 1), ShapeError, 'takeAlongAxis: indices [2] must match [2,3] except along axis 1');
    expectError(() => putAlongAxis(ones([2, 2]), tensor([[0], [1]], { dtype: 'int32' }), 1, [2, 3]), ShapeError, 'putAlongAxis: values [2,2] and indices [2,1] differ');
  });

  it('creation and target shapes', () => {
    expectError(() => tensor([1, 2, 3], { shape: [2, 2] }), ShapeError, 'tensor: shape [2,2] needs 4 elements, got 3');
    expectError(() => zeros([-1]), ShapeError, 'zeros', '[-1]');
    expectError(() => broadcastTo(ones([1]), [-1]), ShapeError, 'broadcastTo: invalid shape [-1]');
    expectError(() => putAlongAxis(ones([1]), ints([0]), 0, [-1]), ShapeError, 'putAlongAxis: invalid shape [-1]');
    expectError(() => arange(0, Infinity), ValueError, 'arange: start and stop must be finite');
  });
});

describe('dtype errors name the op, the dtypes and the shapes', () => {
  it('mixed dtypes', () => {
    expectError(() => add(ones([2]), ones([3, 2], 'float64')), DTypeError, 'add: dtypes differ: float32 [2] and float64 [3,2] (use cast)');
    expectError(() => matmul(ones([2, 2]), ones([2, 2], 'float64')), DTypeError, 'matmul: dtypes differ');
    expectError(() => concat([ones([1]), ones([1], 'int32')]), DTypeError, 'concat: dtypes differ');
  });

  it('float-only ops reject int32', () => {
    expectError(() => exp(ones([3], 'int32')), DTypeError, 'exp: expected a float32 or float64 tensor, got int32 [3]');
    expectError(() => softmax(ones([3], 'int32')), DTypeError, 'softmax', 'int32');
    expectError(() => matmul(ones([2, 2], 'int32'), ones([2, 2], 'int32')), DTypeError, 'matmul', 'int32');
  });

  it('indices must be int32', () => {
    expectError(() => gather(ones([3]), tensor([0])), DTypeError, 'gather: indices must be int32, got float32 [1]');
    expectError(() => takeAlongAxis(ones([3]), tensor([0]), 0), DTypeError, 'takeAlongAxis: indices must be int32');
  });
});

describe('value errors', () => {
  it('name the function and the parameter', () => {
    expectError(() => clamp(ones([1]), 1, 0), ValueError, 'clamp: need min <= max, got min=1, max=0');
  });
});

describe('transforms used wrongly', () => {
  it('grad of a non-scalar function says so', () => {
    expectError(() => grad((x: Tensor) => mul(x, 2))(ones([3])), GradientError, 'must return a scalar', 'got shape [3]', 'use vjp');
    expectError(() => valueAndGrad((x: Tensor) => mul(x, 2))(ones([2, 2])), GradientError, 'valueAndGrad: the function must return a scalar');
    expectError(() => valueAndGradWithAux((x: Tensor) => [mul(x, 2), 0] as const)(ones([2])), GradientError, 'valueAndGradWithAux', 'scalar');
  });

  it('grad of a function that returns something else, or an integer tensor', () => {
    expectError(() => grad(((x: Tensor) => [sum(x)]) as unknown as (x: Tensor) => Tensor)(ones([2])), GradientError, 'must return a tensor');
    expectError(() => grad((_x: Tensor) => sum(ones([1], 'int32')) as Tensor)(ones([2])), GradientError, 'int32');
  });

  it('argnums out of range', () => {
    expectError(() => grad((x: Tensor) => sum(x), { argnums: 1 })(ones([2])), GradientError, 'argnums 1 is out of range for 1 argument(s)');
  });
});
