import type { ReduceKind } from '../backend/backend.js';
import { backend } from '../backend/current.js';
import { reducedShape } from '../backend/js/reduce.js';
import { ShapeError } from '../errors.js';
import { formatShape, normalizeAxes, normalizeAxis, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sub } from './arithmetic.js';
import { abs, exp, log } from './math.js';
import { defineOp } from './op.js';
import { equal, less } from './compare.js';
import { broadcastTo, reshape } from './shape.js';
import { noGrad } from '../autograd/tape.js';
import { where } from './where.js';

/** Axes to reduce over: one axis, several, or all when omitted. */
export type Axes = number | readonly number[] | undefined;

interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

/** Broadcasts a reduced cotangent (or value) back over the reduced axes. */
function expandBack(g: Tensor, x: Tensor, { axes }: ReduceAttrs): Tensor {
  return broadcastTo(reshape(g, reducedShape(x.shape, axes, true)), x.shape);
}

/** The registered op behind {@link sum}. */
export const sumOp = defineOp<ReduceAttrs>({
  name: 'sum',
  forward: ([x], { axes, keepdims }) => backend().reduce('sum', x, axes, keepdims),
  vjp: ([g], { inputs: [x], attrs }) => [expandBack(g, x, attrs)],
});

// max/min share the gradient equally between tied extremes, so the rule is symmetric
// and itself differentiable.
function extremumVjp(g: Tensor, x: Tensor, y: Tensor, attrs: ReduceAttrs): Tensor {
  const mask = equal(x, expandBack(y, x, attrs));
  const count = expandBack(backend().reduce('sum', mask, attrs.axes, true), x, { ...attrs, keepdims: true });
  return div(mul(expandBack(g, x, attrs), mask), count);
}

/** The registered op behind {@link max}. */
export const maxOp = defineOp<ReduceAttrs>({
  name: 'max',
  forward: ([x], { axes, keepdims }) => backend().reduce('max', x, axes, keepdims),
  vjp: ([g], { inputs: [x], outputs: [y], attrs }) => [extremumVjp(g, x, y, attrs)],
});

/** The registered op behind {@link min}. */
export const minOp = defineOp<ReduceAttrs>({
  name: 'min',
  forward: ([x], { axes, keepdims }) => backend().reduce('min', x, axes, keepdims),
  vjp: ([g], { inputs: [x], outputs: [y], attrs }) => [extremumVjp(g, x, y, attrs)],
});

function runReduce(kind: ReduceKind, x: Tensor, axes: Axes, keepdims: boolean): Tensor {
  const op = kind === 'sum' ? sumOp : kind === 'max' ? maxOp : minOp;
  const resolved = normalizeAxes(kind, axes, x.shape);
  if (resolved.length === 0) return x;
  return op.run([x], { axes: resolved, keepdims })[0];
}

/** Sum over `axes` (all when omitted). */
export function sum(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return runReduce('sum', x, axes, keepdims);
}

/** Maximum over `axes`; tied maxima share the gradient. */
export function max(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return runReduce('max', x, axes, keepdims);
}

/** Minimum over `axes`; tied minima share the gradient. */
export function min(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return runReduce('min', x, axes, keepdims);
}

/** Mean over `axes` (all when omitted). */
export function mean(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const resolved = normalizeAxes('mean', axes, x.shape);
  const count = sizeOf(resolved.map((a) => x.shape[a]));
  return div(sum(x, resolved, keepdims), count);
}

/** `log Σ exp(x)` over `axes`, computed as `m + log Σ exp(x − m)` with `m` the maximum, so it never overflows. */
export function logsumexp(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const resolved = normalizeAxes('logsumexp', axes, x.shape);
  // The shift is a constant for differentiation (the exact gradient is softmax(x)), so it
  // is computed off the tape. A row of -∞ (fully masked) shifts by 0 and gives -∞, not NaN.
  const m = noGrad(() => {
    const top = max(x, resolved, true);
    return where(less(abs(top), Infinity), top, 0);
  });
  const out = add(log(sum(exp(sub(x, m)), resolved, true)), m);
  return keepdims ? out : reshape(out, reducedShape(x.shape, resolved, false));
}

/** The registered op behind {@link argmax} (not differentiable). */
export const argmaxOp = defineOp<{ axis: number }>({ name: 'argmax', differentiable: false, forward: ([x], { axis }) => backend().argReduce('argmax', x, axis) });
/** The registered op behind {@link argmin} (not differentiable). */
export const argminOp = defineOp<{ axis: number }>({ name: 'argmin', differentiable: false, forward: ([x], { axis }) => backend().argReduce('argmin', x, axis) });

/** Index (int32) of the largest element along `axis`; the first on ties, the first NaN if there is one (as NumPy). */
export function argmax(x: Tensor, axis = -1): Tensor {
  return argmaxOp.run([x], { axis: nonEmptyAxis('argmax', axis, x) })[0];
}

/** Index (int32) of the smallest element along `axis`; the first on ties, the first NaN if there is one (as NumPy). */
export function argmin(x: Tensor, axis = -1): Tensor {
  return argminOp.run([x], { axis: nonEmptyAxis('argmin', axis, x) })[0];
}

/** The resolved axis; an empty one has no largest or smallest element, so it is refused. */
function nonEmptyAxis(op: string, axis: number, x: Tensor): number {
  const a = normalizeAxis(op, axis, x.shape);
  if (x.shape[a] === 0) throw new ShapeError(`${op}: axis ${a} of ${formatShape(x.shape)} is empty, so it has no ${op === 'argmax' ? 'largest' : 'smallest'} element`);
  return a;
}
