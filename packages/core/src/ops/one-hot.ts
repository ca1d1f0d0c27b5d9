import { arange } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { defaultFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../errors.js';
import { cast } from './cast.js';
import { equal } from './compare.js';
import { checkIndices } from './gather.js';
import { unsqueeze } from './shape.js';

/**
 * One-hot encoding: a tensor of shape `[...indices.shape, depth]` that is 1 at each
 * index and 0 elsewhere. Composed of `equal` and `cast`, so nothing is recorded for it
 * (integer indices get no gradient).
 *
 * @example
 * ```ts
 * import { oneHot, tensor } from '@tapestry/core';
 * oneHot(tensor([2, 0], { dtype: 'int32' }), 3); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(indices: Tensor, depth: number, dtype: DType = defaultFloat): Tensor {
  if (!Number.isInteger(depth) || depth < 0) throw new ValueError(`oneHot: depth must be a non-negative integer, got ${depth}`);
  checkIndices('oneHot', indices, depth);
  return cast(equal(unsqueeze(indices, -1), arange(depth, undefined, 1, 'int32')), dtype);
}
