// Kernels read and write the tensors' typed arrays in place, including subarray views at
// any element offset (so not 64-byte aligned): results equal those on fresh arrays.
import { describe, expect, it } from 'vitest';
import { type ElementwiseProgram, Rng, Tensor } from '@tapestry/core';
import { nativeBackend } from '../src/index.js';

/** `t`'s values in a view `offset` elements into a larger buffer filled with NaN. */
function viewOf(t: Tensor, offset: number): Tensor {
  const Ctor = t.dtype === 'float32' ? Float32Array : Float64Array;
  const buffer = new Ctor(t.size + offset + 3).fill(NaN);
  const view = buffer.subarray(offset, offset + t.size);
  view.set(t.data);
  return new Tensor(t.shape, view);
}

const program: ElementwiseProgram = {
  inputs: 2,
  instructions: [{ op: 'binary', kind: 'mul', a: 0, b: 1 }, { op: 'unary', kind: 'tanh', x: 2 }],
  outputs: [3],
};

describe.each(['float32', 'float64'] as const)('subarray views (%s)', (dtype) => {
  it.each([1, 3, 5])('at element offset %i: products, programs and softmax equal those on fresh arrays', (offset) => {
    const rng = new Rng(offset);
    const a = rng.normal([37, 19], { dtype }), b = rng.normal([23, 19], { dtype });
    const expected = nativeBackend.matmul(a, b, false, true, [37, 23]);
    const out = viewOf(new Tensor([37, 23], dtype === 'float32' ? new Float32Array(37 * 23) : new Float64Array(37 * 23)), offset);
    nativeBackend.matmulInto(viewOf(a, offset), viewOf(b, offset), false, true, out, false);
    expect(Array.from(out.data)).toEqual(Array.from(expected.data));

    const x = rng.normal([5, 40], { dtype }), bias = rng.normal([40], { dtype });
    const fresh = new Tensor([5, 40], dtype === 'float32' ? new Float32Array(200) : new Float64Array(200));
    nativeBackend.elementwise(program, [x, bias], [fresh]);
    const inView = viewOf(fresh, offset);
    inView.data.fill(0);
    nativeBackend.elementwise(program, [viewOf(x, offset), viewOf(bias, offset)], [inView]);
    expect(Array.from(inView.data)).toEqual(Array.from(fresh.data));

    expect(Array.from(nativeBackend.logSoftmax(viewOf(x, offset), 1).data)).toEqual(Array.from(nativeBackend.logSoftmax(x, 1).data));
  });
});
