import type { ReduceKind } from '../backend.js';
import { allocate } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { permute } from './layout.js';

/** Output shape of reducing `axes` (sorted, unique) of `shape`. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/**
 * Views `x` as [outer, n, inner] with the reduced axes in the middle. When the axes
 * are not contiguous they are first moved to the end (one copy), which keeps the
 * reduction itself a simple strided loop.
 */
function asOuterReduceInner(x: Tensor, axes: readonly number[]): { t: Tensor; outer: number; n: number; inner: number } {
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (contiguous && axes.length > 0) {
    const first = axes[0], last = axes[axes.length - 1];
    return {
      t: x,
      outer: sizeOf(x.shape.slice(0, first)),
      n: sizeOf(x.shape.slice(first, last + 1)),
      inner: sizeOf(x.shape.slice(last + 1)),
    };
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = permute(x, [...kept, ...axes]);
  return { t: moved, outer: sizeOf(kept.map((i) => x.shape[i])), n: sizeOf(axes.map((i) => x.shape[i])), inner: 1 };
}

/** Sum, max or min over `axes`. Sums accumulate in double precision. */
export function reduce(kind: ReduceKind, x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  const shape = reducedShape(x.shape, axes, keepdims);
  const { t, outer, n, inner } = asOuterReduceInner(x, axes);
  const src = t.data;
  const out = allocate(x.dtype, outer * inner);
  if (kind === 'sum') {
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        let acc = 0;
        const base = o * n;
        for (let k = 0; k < n; k++) acc += src[base + k];
        out[o] = acc;
      }
    } else {
      const acc = new Float64Array(inner);
      for (let o = 0; o < outer; o++) {
        acc.fill(0);
        for (let k = 0; k < n; k++) {
          const base = (o * n + k) * inner;
          for (let i = 0; i < inner; i++) acc[i] += src[base + i];
        }
        out.set(acc, o * inner);
      }
    }
  } else {
    const isMax = kind === 'max';
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = isMax ? -Infinity : Infinity;
        for (let k = 0; k < n; k++) {
          const v = src[(o * n + k) * inner + i];
          if (isMax ? v > best || v !== v : v < best || v !== v) best = v;
        }
        out[o * inner + i] = best;
      }
    }
  }
  return new Tensor(shape, out);
}

/** Index of the largest (or smallest) element along `axis`, as int32; the first one on ties, or the first NaN. */
export function argReduce(kind: 'argmax' | 'argmin', x: Tensor, axis: number): Tensor {
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = new Int32Array(outer * inner);
  const src = x.data;
  const isMax = kind === 'argmax';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = src[o * n * inner + i];
      let at = 0;
      for (let k = 1; k < n; k++) {
        const v = src[(o * n + k) * inner + i];
        // A NaN wins and then stays (best !== best), as numpy.argmax returns the first NaN.
        if ((isMax ? v > best : v < best) || (v !== v && best === best)) {
          best = v;
          at = k;
        }
      }
      out[o * inner + i] = at;
    }
  }
  return new Tensor(reducedShape(x.shape, [axis], false), out);
}
