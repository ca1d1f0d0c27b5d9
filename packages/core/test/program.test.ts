// Element-wise programs and in-place products — the kernels a compiled scan runs —
// against the single kernels they fuse, on every backend.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Backend,
  type BinaryKind,
  type ElementwiseInstruction,
  type ElementwiseProgram,
  type Tensor,
  type UnaryKind,
  Rng,
  scalar,
  zeros,
} from '@tapestry/core';
import { propertyRuns } from '@tapestry/core/testing';
import { backendsUnderTest } from './backends.js';

const UNARY: UnaryKind[] = ['neg', 'exp', 'tanh', 'sigmoid', 'relu', 'square', 'abs', 'softplus', 'clamp'];
const BINARY: BinaryKind[] = ['add', 'sub', 'mul', 'maximum', 'greater'];

/** A random straight-line program over `inputs` registers. */
function programArb(inputs: number): fc.Arbitrary<ElementwiseProgram> {
  return fc.array(fc.nat(), { minLength: 1, maxLength: 12 }).chain((seeds) => {
    const instructions: ElementwiseInstruction[] = seeds.map((s, i) => {
      const live = inputs + i;
      const pick = (k: number) => (s >> k) % live;
      switch (s % 4) {
        case 0:
          return { op: 'unary', kind: UNARY[(s >> 2) % UNARY.length], x: pick(5), p0: -0.5, p1: 0.5 };
        case 1:
          return { op: 'binary', kind: BINARY[(s >> 2) % BINARY.length], a: pick(5), b: pick(9) };
        case 2:
          return { op: 'where', cond: pick(3), a: pick(6), b: pick(9) };
        default:
          return { op: 'constant', value: ((s >> 2) % 7) - 3 };
      }
    });
    const registers = inputs + instructions.length;
    return fc.uniqueArray(fc.nat({ max: registers - 1 }), { minLength: 1, maxLength: 3 }).map((outputs) => ({ inputs, instructions, outputs }));
  });
}

/** The program evaluated one kernel call at a time (each with its own tensor). */
function reference(kernels: Backend, program: ElementwiseProgram, inputs: readonly Tensor[], shape: number[]): Tensor[] {
  const regs: Tensor[] = inputs.map((x) => kernels.broadcastTo(x, shape));
  for (const ins of program.instructions) {
    if (ins.op === 'unary') regs.push(kernels.unary(ins.kind, regs[ins.x], ins.p0, ins.p1));
    else if (ins.op === 'binary') regs.push(kernels.binary(ins.kind, regs[ins.a], regs[ins.b], shape));
    else if (ins.op === 'where') regs.push(kernels.where(regs[ins.cond], regs[ins.a], regs[ins.b], shape));
    else regs.push(kernels.broadcastTo(fullScalar(ins.value), shape));
  }
  return program.outputs.map((r) => regs[r]);
}

const fullScalar = (value: number): Tensor => scalar(value, 'float64');

describe.each(backendsUnderTest)('elementwise programs ($name backend)', (kernels) => {
  it('equal the kernels they fuse, with full, scalar and leading-axis broadcast inputs (float64)', () => {
    fc.assert(
      fc.property(programArb(3), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 300 }), fc.nat(), (program, B, H, seed) => {
        const rng = new Rng(seed);
        const shape = [B, H];
        const inputs = [rng.normal([B, H], { dtype: 'float64' }), rng.normal([H], { dtype: 'float64' }), rng.normal([], { dtype: 'float64' })];
        const outputs = program.outputs.map(() => zeros(shape, 'float64'));
        kernels.elementwise(program, inputs, outputs);
        const expected = reference(kernels, program, inputs, shape);
        outputs.forEach((out, o) => expect(Array.from(out.data)).toEqual(Array.from(expected[o].data)));
      }),
      { numRuns: propertyRuns(60) },
    );
  });

  it('propagates NaN like the single kernels', () => {
    const program: ElementwiseProgram = { inputs: 1, instructions: [{ op: 'unary', kind: 'tanh', x: 0 }, { op: 'binary', kind: 'mul', a: 1, b: 0 }], outputs: [2] };
    const x = fullScalar(Number.NaN);
    const out = zeros([4], 'float64');
    kernels.elementwise(program, [x], [out]);
    expect(Array.from(out.data).every(Number.isNaN)).toBe(true);
  });

  it('refuses a program that reads a register before it is written', () => {
    const program: ElementwiseProgram = { inputs: 1, instructions: [{ op: 'unary', kind: 'exp', x: 1 }], outputs: [1] };
    expect(() => kernels.elementwise(program, [fullScalar(1)], [zeros([1], 'float64')])).toThrow(/instruction 0 \(unary\) reads register 1/);
  });

  it('refuses an input whose size does not divide the output size', () => {
    const program: ElementwiseProgram = { inputs: 1, instructions: [], outputs: [0] };
    expect(() => kernels.elementwise(program, [zeros([3], 'float64')], [zeros([4], 'float64')])).toThrow(/does not broadcast to 4/);
  });
});

describe.each(backendsUnderTest)('matmulInto ($name backend)', (kernels) => {
  it('writes and accumulates op(a)·op(b) as the allocating kernel computes it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.boolean(), fc.constantFrom('float32', 'float64'), fc.nat(),
        (M, N, K, transA, transB, dtype, seed) => {
          const rng = new Rng(seed);
          const a = rng.normal(transA ? [K, M] : [M, K], { dtype });
          const b = rng.normal(transB ? [N, K] : [K, N], { dtype });
          const expected = kernels.matmul(a, b, transA, transB, [M, N]);
          const out = rng.normal([M, N], { dtype });
          const before = Array.from(out.data);
          kernels.matmulInto(a, b, transA, transB, out, true);
          const tol = dtype === 'float32' ? 1e-4 : 1e-12;
          out.data.forEach((v, i) => expect(Math.abs(v - (before[i] + expected.data[i]))).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
          kernels.matmulInto(a, b, transA, transB, out, false);
          out.data.forEach((v, i) => expect(Math.abs(v - expected.data[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
        }),
      { numRuns: propertyRuns(40) },
    );
  });
});
