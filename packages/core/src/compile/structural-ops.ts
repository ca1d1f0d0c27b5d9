import { gatherOp } from '../ops/gather.js';
import { concatOp, padOp, sliceOp, splitOp } from '../ops/join.js';
import { matmulOp } from '../ops/matmul.js';
import type { OpSpec } from '../ops/op.js';
import { sumOp } from '../ops/reduce.js';
import { reshapeOp } from '../ops/shape.js';
import { logSoftmaxOp, softmaxOp } from '../ops/softmax.js';

/** The non-element-wise ops a plan runs without allocating. */
export type StructuralOp = 'matmul' | 'reshape' | 'slice' | 'pad' | 'split' | 'concat' | 'sum' | 'gather' | 'softmax' | 'logSoftmax';

const structural = new Map<OpSpec<unknown>, StructuralOp>([
  [matmulOp.spec as OpSpec<unknown>, 'matmul'],
  [reshapeOp.spec as OpSpec<unknown>, 'reshape'],
  [sliceOp.spec as OpSpec<unknown>, 'slice'],
  [padOp.spec as OpSpec<unknown>, 'pad'],
  [splitOp.spec as OpSpec<unknown>, 'split'],
  [concatOp.spec as OpSpec<unknown>, 'concat'],
  [sumOp.spec as OpSpec<unknown>, 'sum'],
  [gatherOp.spec as OpSpec<unknown>, 'gather'],
  [softmaxOp.spec as OpSpec<unknown>, 'softmax'],
  [logSoftmaxOp.spec as OpSpec<unknown>, 'logSoftmax'],
]);

/** Which of the planned-in-place ops `spec` is (by identity), if any. */
export function specOf(spec: OpSpec<unknown>): StructuralOp | undefined {
  return structural.get(spec);
}
