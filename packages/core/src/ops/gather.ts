import { backend } from '../backend/current.js';
import { ShapeError } from '../errors.js';
import type { Shape } from '../tensor/shape.js';
import { checkShape, formatShape, normalizeAxis, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineOp } from './op.js';
import { requireInt } from './operand.js';

/** Throws unless `indices` is int32 with every value in `[0, size)`; the error names `op`. */
export function checkIndices(op: string, indices: Tensor, size: number): void {
  requireInt(op, 'indices', indices);
  checkRange(op, indices, size);
}

/**
 * Throws unless every value of `indices` is in `[0, size)`. The ops below run it in
 * their forward, not before it: a compiled plan (see `jit`) runs the forward on every
 * call, with values, while a trace runs it once on zeros.
 */
function checkRange(op: string, indices: Tensor, size: number): void {
  checkIndexRange(op, indices.data, size);
}

/** Throws a `ShapeError` naming `op` unless every value of `idx` is in `[0, size)`. */
export function checkIndexRange(op: string, idx: ArrayLike<number>, size: number): void {
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= size) throw new ShapeError(`${op}: index ${idx[i]} is out of range [0, ${size})`);
  }
}

// gather and scatterAdd are each other's adjoint, and so are takeAlongAxis and
// putAlongAxis: every rule is an op of the pair, so all orders of derivatives work.

/** The registered op behind {@link gather}. */
export const gatherOp = defineOp<{ axis: number }>({
  name: 'gather',
  forward: ([x, indices], { axis }) => {
    checkRange('gather', indices, x.shape[axis]);
    return backend().gather(x, indices, axis);
  },
  vjp: ([g], { inputs: [x, indices], attrs: { axis } }) => [scatterAdd(g, indices, axis, x.shape[axis]), null],
});

/** The registered op behind {@link scatterAdd}. */
export const scatterAddOp = defineOp<{ axis: number; size: number }>({
  name: 'scatterAdd',
  forward: ([updates, indices], { axis, size }) => {
    checkRange('scatterAdd', indices, size);
    return backend().scatterAdd(updates, indices, axis, size);
  },
  vjp: ([g], { inputs: [, indices], attrs: { axis } }) => [gather(g, indices, axis), null],
});

/**
 * Selects slices of `x` along `axis` by integer `indices` of any shape (NumPy `take`):
 * the output shape is `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. With
 * `axis = 0` this is an embedding lookup; its gradient is a scatter-add.
 *
 * @example
 * ```ts
 * import { gather, tensor, ones } from '@tapestry/core';
 * const table = ones([65, 16]);
 * const tokens = tensor([[1, 5, 7]], { dtype: 'int32' });
 * gather(table, tokens); // [1, 3, 16]
 * ```
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  const a = normalizeAxis('gather', axis, x.shape);
  requireInt('gather', 'indices', indices);
  return gatherOp.run([x, indices], { axis: a })[0];
}

/** Adds the slices of `updates` into a zero tensor with `size` entries along `axis`, at `indices` (the adjoint of {@link gather}). */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, size: number): Tensor {
  // `axis` counts in the output, whose rank is updates.rank − indices.rank + 1.
  if (!Number.isInteger(size) || size < 0) throw new ShapeError(`scatterAdd: size must be a non-negative integer, got ${size}`);
  axis = normalizeAxis('scatterAdd', axis, updates.rank - indices.rank + 1);
  requireInt('scatterAdd', 'indices', indices);
  const expected = updates.shape.slice(axis, axis + indices.rank);
  if (expected.length !== indices.rank || expected.some((d, i) => d !== indices.shape[i])) {
    throw new ShapeError(`scatterAdd: updates ${formatShape(updates.shape)} do not match indices ${formatShape(indices.shape)} at axis ${axis}`);
  }
  return scatterAddOp.run([updates, indices], { axis, size })[0];
}

/** The registered op behind {@link takeAlongAxis}. */
export const takeAlongAxisOp = defineOp<{ axis: number }>({
  name: 'takeAlongAxis',
  forward: ([x, indices], { axis }) => {
    checkRange('takeAlongAxis', indices, x.shape[axis]);
    return backend().takeAlongAxis(x, indices, axis);
  },
  vjp: ([g], { inputs: [x, indices], attrs: { axis } }) => [putAlongAxis(g, indices, axis, x.shape), null],
});

/** The registered op behind {@link putAlongAxis}. */
export const putAlongAxisOp = defineOp<{ axis: number; shape: number[] }>({
  name: 'putAlongAxis',
  forward: ([values, indices], { axis, shape }) => {
    checkRange('putAlongAxis', indices, shape[axis]);
    return backend().putAlongAxis(values, indices, axis, shape);
  },
  vjp: ([g], { inputs: [, indices], attrs: { axis } }) => [takeAlongAxis(g, indices, axis), null],
});

function checkAlong(op: string, shape: Shape, indices: Tensor, axis: number): void {
  if (indices.rank !== shape.length || indices.shape.some((d, i) => i !== axis && d !== shape[i])) {
    throw new ShapeError(`${op}: indices ${formatShape(indices.shape)} must match ${formatShape(shape)} except along axis ${axis}`);
  }
  requireInt(op, 'indices', indices);
}

/**
 * Picks one element per position along `axis` (NumPy `take_along_axis`); e.g. the
 * logit of each target class: `takeAlongAxis(logits, targets[:, None], 1)`.
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  const a = normalizeAxis('takeAlongAxis', axis, x.shape);
  checkAlong('takeAlongAxis', x.shape, indices, a);
  return takeAlongAxisOp.run([x, indices], { axis: a })[0];
}

/** Adds `values` at `indices` along `axis` into zeros of `shape` (the adjoint of {@link takeAlongAxis}). */
export function putAlongAxis(values: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  checkShape('putAlongAxis', shape);
  const a = normalizeAxis('putAlongAxis', axis, shape);
  checkAlong('putAlongAxis', shape, indices, a);
  if (!shapesEqual(values.shape, indices.shape)) {
    throw new ShapeError(`putAlongAxis: values ${formatShape(values.shape)} and indices ${formatShape(indices.shape)} differ`);
  }
  return putAlongAxisOp.run([values, indices], { axis: a, shape: [...shape] })[0];
}
