import type { Tensor } from '@tapestry/core';
import { DTypeError, ShapeError, ValueError, allocate, formatShape, fromStorage, isFloat, shapesEqual } from '@tapestry/core';

/** Class targets made safe to index with: skipped positions point at class 0. */
export interface PreparedTargets {
  /** int32 `[...]`: the target, or 0 where skipped. */
  readonly safe: Tensor;
  /** int32 `[...]`: 1 where the position counts, 0 where skipped. */
  readonly counted: Tensor;
  /** Number of counted positions. */
  readonly count: number;
}

/** Checks that `logits` are `[..., C]` floats and `targets` int32 of the leading shape. */
export function checkLogitsAndTargets(fn: string, logits: Tensor, targets: Tensor): void {
  if (!isFloat(logits.dtype)) throw new DTypeError(`${fn}: logits must be float32 or float64, got ${logits.dtype}`);
  if (targets.dtype !== 'int32') throw new DTypeError(`${fn}: targets must be int32 class indices, got ${targets.dtype}`);
  if (logits.rank < 1 || logits.shape[logits.rank - 1] === 0) {
    throw new ShapeError(`${fn}: logits must have a non-empty class axis last, got ${formatShape(logits.shape)}`);
  }
  const leading = logits.shape.slice(0, -1);
  if (!shapesEqual(leading, targets.shape)) {
    const what = leading.length === 1 && targets.rank === 1 ? 'N' : 'the leading axes';
    throw new ShapeError(
      `${fn}: logits ${formatShape(logits.shape)} and targets ${formatShape(targets.shape)} disagree on ${what} (targets must be ${formatShape(leading)})`,
    );
  }
}

/**
 * Validates class indices against `classes` and marks which positions count.
 * `skip(i)` says whether flat position `i` is excluded (ignore index, mask); the
 * targets of excluded positions are not checked, since they are often padding values.
 */
export function prepareTargets(fn: string, targets: Tensor, classes: number, skip: (i: number) => boolean): PreparedTargets {
  const t = targets.data;
  const safe = allocate('int32', t.length);
  const counted = allocate('int32', t.length);
  let count = 0;
  for (let i = 0; i < t.length; i++) {
    if (skip(i)) continue;
    if (t[i] < 0 || t[i] >= classes) throw new ValueError(`${fn}: targets[${i}] = ${t[i]} is out of range [0, ${classes})`);
    safe[i] = t[i];
    counted[i] = 1;
    count++;
  }
  return { safe: fromStorage(targets.shape, safe), counted: fromStorage(targets.shape, counted), count };
}
