import { allocate } from '../../tensor/dtype.js';
import { sizeOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

// Both kernels subtract the maximum first, so logits of ±1000 neither overflow nor
// lose the differences between classes.

function forEachLine(x: Tensor, axis: number, fn: (base: number, stride: number, n: number) => void): void {
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(o * n * inner + i, inner, n);
}

/** The largest of `n` values at `base`, `base + stride`, … (the shift both kernels subtract). */
function lineMax(src: ArrayLike<number>, base: number, stride: number, n: number): number {
  let max = -Infinity;
  for (let k = 0; k < n; k++) max = Math.max(max, src[base + k * stride]);
  return max;
}

/** `exp(x - max) / Σ exp(x - max)` along `axis`. */
export function softmax(x: Tensor, axis: number): Tensor {
  const src = x.data;
  const out = allocate(x.dtype, x.size);
  forEachLine(x, axis, (base, stride, n) => {
    const max = lineMax(src, base, stride, n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const e = Math.exp(src[base + k * stride] - max);
      out[base + k * stride] = e;
      total += e;
    }
    const inv = 1 / total;
    for (let k = 0; k < n; k++) out[base + k * stride] *= inv;
  });
  return new Tensor(x.shape, out);
}

/** `x - max - log Σ exp(x - max)` along `axis`. */
export function logSoftmax(x: Tensor, axis: number): Tensor {
  const src = x.data;
  const out = allocate(x.dtype, x.size);
  forEachLine(x, axis, (base, stride, n) => {
    const max = lineMax(src, base, stride, n);
    let total = 0;
    for (let k = 0; k < n; k++) total += Math.exp(src[base + k * stride] - max);
    // (x − max) is exact for the largest entries; subtracting max + log Σ in one step
    // would round the shift at the magnitude of max (1e-13 absolute error at 1000).
    const logTotal = Math.log(total);
    for (let k = 0; k < n; k++) out[base + k * stride] = src[base + k * stride] - max - logTotal;
  });
  return new Tensor(x.shape, out);
}
