// The public extension point: ops defined by users (fused kernels with hand-written
// backward rules) behave exactly like built-in ones. This file registers ops of its own;
// vitest isolates test files, so they do not reach the registry walk of op-gradients.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Tape,
  add,
  defineOp,
  exp,
  fromStorage,
  grad,
  isDifferentiable,
  mul,
  record,
  registeredOps,
  sub,
  sum,
  tensor,
  withTape,
  type Tensor,
} from '../src/index.js';
import { checkGradients, propertyRuns, tensorArb, shapeArb } from '../src/testing/index.js';
import { expectClose } from './helpers.js';

// cube(x) = x³ with its own kernel and a backward rule written with differentiable ops.
const cubeOp = defineOp<void>({
  name: 'test.cube',
  forward: ([x]) => {
    const out = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) out[i] = x.data[i] ** 3;
    return fromStorage(x.shape, out);
  },
  vjp: ([g], { inputs: [x] }) => [mul(g, mul(3, mul(x, x)))],
});
const cube = (x: Tensor): Tensor => cubeOp.run([x], undefined)[0];

// A fused two-output op that saves an intermediate for its backward rule:
// (x, y) ↦ (e^x·y, e^x − y), saving e^x.
const fusedOp = defineOp<{ scale: number }>({
  name: 'test.fused',
  forward: ([x, y], { scale }) => {
    const e = exp(x);
    return { outputs: [mul(mul(e, y), scale), sub(e, y)], saved: e };
  },
  vjp: ([ga, gb], { inputs: [, y], attrs: { scale }, saved }) => {
    const e = saved as Tensor;
    return [add(mul(ga, mul(mul(e, y), scale)), mul(gb, e)), sub(mul(ga, mul(e, scale)), gb)];
  },
});

const signOp = defineOp<void>({ name: 'test.sign', differentiable: false, forward: ([x]) => fromStorage(x.shape, Float64Array.from(x.data, Math.sign)) });

describe('defineOp', () => {
  it('registers ops, differentiable or not', () => {
    const names = registeredOps().map((op) => op.name);
    expect(names).toContain('test.cube');
    expect(names).toContain('test.sign');
    expect(isDifferentiable(cubeOp.spec)).toBe(true);
    expect(isDifferentiable(signOp.spec)).toBe(false);
  });

  it('a user op gets first and second derivatives through its vjp', () => {
    const x = tensor([1, -2, 0.5], { dtype: 'float64' });
    expectClose(grad((v: Tensor) => sum(cube(v)))(x), [3, 12, 0.75]);
    expectClose(grad((v: Tensor) => sum(grad((u: Tensor) => sum(cube(u)))(v)))(x), [6, -12, 3]);
  });

  it('a multi-output op with saved values passes checkGradients', () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 2 }).chain((s) => fc.tuple(tensorArb(s), tensorArb(s))), ([x, y]) => {
        for (const pick of [0, 1]) {
          const report = checkGradients((a, b) => fusedOp.run([a, b], { scale: 1.5 })[pick], [x, y]);
          expect(report.ok, report.summary).toBe(true);
        }
        const both = checkGradients((a, b) => {
          const [p, q] = fusedOp.run([a, b], { scale: 1.5 });
          return sub(mul(p, 2), q);
        }, [x, y]);
        expect(both.ok, both.summary).toBe(true);
      }),
      { numRuns: propertyRuns(15) },
    );
  });

  it('ops used inside a forward are not recorded: the op is one tape entry', () => {
    const x = tensor([0.5], { dtype: 'float64' });
    const y = tensor([2], { dtype: 'float64' });
    const tape = new Tape();
    tape.watch(x);
    withTape(tape, () => fusedOp.run([x, y], { scale: 1 }));
    expect(tape.entries.map((e) => e.spec.name)).toEqual(['test.fused']);
    // Asking for the gradient with respect to an output as well must not count anything twice.
    const rec = record(() => {
      const [p, q] = fusedOp.run([x, y], { scale: 1 });
      return { p, total: add(p, q) };
    });
    const { p, total } = rec.value;
    const g = rec.gradient(total, { x, p });
    expectClose(g.x, [Math.exp(0.5) * 2 + Math.exp(0.5)], { rtol: 1e-14 });
    expectClose(g.p, [1]);
  });

  it('an op may return an existing tensor (an identity) and stays differentiable', () => {
    const identity = defineOp<void>({ name: 'test.identity', forward: ([x]) => x, vjp: ([g]) => [g] });
    const x = tensor([2], { dtype: 'float64' });
    const y = tensor([5], { dtype: 'float64' });
    // the identity's output is an older tensor than anything recorded before it
    const g = grad((v: Tensor) => sum(mul(mul(v, v), identity.run([y], undefined)[0])), { argnums: 0 })(x);
    expectClose(g, [20]);
    expectClose(grad((v: Tensor) => sum(mul(identity.run([mul(v, 3)], undefined)[0], identity.run([v], undefined)[0])))(x), [12]);
  });

  it('a non-differentiable op is not recorded', () => {
    const x = tensor([1, -2], { dtype: 'float64' });
    const tape = new Tape();
    tape.watch(x);
    withTape(tape, () => mul(signOp.run([x], undefined)[0], x));
    expect(tape.entries.map((e) => e.spec.name)).toEqual(['mul']);
    expectClose(grad((v: Tensor) => sum(mul(signOp.run([v], undefined)[0], v)))(x), [1, -1]);
  });
});
