import type { Tensor } from '@tapestry/core';
import { fromStorage, mapTree } from '@tapestry/core';
import { allocLike, floatData, pairLeaves, scaleAddByBackend } from './leaves.js';

/**
 * Returns `params + updates`, leaf by leaf, as new tensors; neither input is written.
 * Throws naming the path when the trees' structures, shapes or dtypes differ.
 *
 * @example
 * ```ts
 * import { tensor } from '@tapestry/core';
 * import { applyUpdates } from '@tapestry/optim';
 * const params = { w: tensor([1, 2]), b: tensor([0.5]) };
 * const updates = { w: tensor([-0.5, 0.5]), b: tensor([0.25]) };
 * applyUpdates(params, updates); // { w: [0.5, 2.5], b: [0.75] }
 * ```
 */
export function applyUpdates<P>(params: P, updates: P): P {
  const pairs = pairLeaves('applyUpdates', updates, params, 'update');
  return mapTree(params, (p: Tensor, path: string) => addLeaf(p, pairs.get(path)!.grad)) as unknown as P;
}

function addLeaf(p: Tensor, u: Tensor): Tensor {
  const out = allocLike(p);
  const pd = floatData(p);
  const ud = floatData(u);
  if (scaleAddByBackend(ud, 1, pd, out)) return fromStorage(p.shape, out); // 1·u + p = p + u exactly
  for (let i = 0; i < out.length; i++) out[i] = pd[i] + ud[i];
  return fromStorage(p.shape, out);
}
