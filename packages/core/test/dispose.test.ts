// `dispose`: a disposed tensor is refused everywhere it could be read (ops, jit, the
// reverse sweep, the readers), disposing inside a recording transform or a trace throws,
// and storage the caller supplied is never touched.
import { describe, expect, it } from 'vitest';
import { DisposedError, Rng, add, dispose, fromStorage, grad, jit, matmul, noGrad, record, reshape, sum, tanh, tensor, vjp, type Tensor } from '@tapestry/core';

describe('dispose', () => {
  it('refuses a disposed tensor in ops, readers and jit, naming the op and the tensor', () => {
    const x = tensor([1, 2, 3]);
    dispose(x);
    expect(x.isDisposed).toBe(true);
    expect(() => add(x, 1)).toThrow(DisposedError);
    expect(() => add(x, 1)).toThrow(new RegExp(`^add: tensor #${x.id} \\(float32 \\[3\\]\\) was disposed$`));
    expect(() => x.toArray()).toThrow(/toArray: tensor #\d+ .* was disposed/);
    expect(() => x.toFlatArray()).toThrow(DisposedError);
    expect(() => tensor([5]).item()).not.toThrow();
    const f = jit((a: Tensor) => tanh(a));
    const y = tensor([0.5, 1]);
    f(y);
    dispose(y);
    expect(() => f(y)).toThrow(/jit: tensor #\d+ .* was disposed/);
  });

  it('leaves other tensors, and a second dispose, alone', () => {
    const x = tensor([1, 2]), y = tensor([3, 4]);
    dispose({ x, nested: [x] });
    dispose(x);
    expect(add(y, 1).toFlatArray()).toEqual([4, 5]);
  });

  it('refuses a jitted function whose closed-over constant was disposed', () => {
    const w = tensor([2, 3]);
    const f = jit((a: Tensor) => add(a, w));
    expect(f(tensor([1, 1])).toFlatArray()).toEqual([3, 4]);
    dispose(w);
    expect(() => f(tensor([1, 1]))).toThrow(DisposedError);
  });

  it('throws inside grad, vjp and record — even under noGrad — and inside a trace', () => {
    const x = tensor([0.1, 0.2]);
    expect(() => grad((a: Tensor) => { dispose(tanh(a)); return sum(a); })(x)).toThrow(/dispose: a recording transform/);
    expect(() => vjp((a: Tensor) => { noGrad(() => dispose(tensor([1]))); return a; }, x)).toThrow(/dispose: a recording transform/);
    expect(() => jit((a: Tensor) => { dispose(a); return a; })(x)).toThrow(/dispose: cannot release tensors while a function is being traced/);
    expect(x.isDisposed).toBe(false);
  });

  it('refuses, in the reverse sweep, a tensor a recorded tape still reads', () => {
    const w = tensor([0.5, -0.5]);
    let hidden: Tensor | undefined;
    const rec = record(() => sum(tanh((hidden = add(w, 1)))), { watch: w });
    expect(rec.gradient(rec.value, w).toFlatArray()).toHaveLength(2);
    dispose(hidden);
    expect(() => rec.gradient(rec.value, w)).toThrow(/^tanh \(backward\): tensor #\d+ .* was disposed$/);
  });

  it('never frees storage the caller supplied', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const t = fromStorage([2, 2], data);
    const view = reshape(t, [4]);
    dispose(t);
    expect(data.length).toBe(4);
    expect(Array.from(data)).toEqual([1, 2, 3, 4]);
    expect(view.toFlatArray()).toEqual([1, 2, 3, 4]);
  });

  it('lets a loop dispose each product it no longer needs', () => {
    const rng = new Rng(3);
    const a = rng.normal([8, 8]), b = rng.normal([8, 8]);
    const first = matmul(a, b).toFlatArray();
    for (let i = 0; i < 5; i++) {
      const c = matmul(a, b);
      expect(c.toFlatArray()).toEqual(first);
      dispose(c);
    }
  });
});
