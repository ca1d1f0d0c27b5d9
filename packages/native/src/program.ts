import type { BinaryKind, ElementwiseProgram, UnaryKind } from '@tapestry/core';
import { validateProgram } from '@tapestry/core';
import type { Addon } from './addon.js';

// Element-wise programs cross into native code once: the first run encodes the program
// into an Int32Array (opcodes, kinds, registers) and a Float64Array (bounds, constants),
// the addon validates it and keeps it under an id, and later runs pass only the id and
// the operands' typed arrays. A FinalizationRegistry frees the native copy when the
// program object is collected.

const UNARY_CODES: readonly UnaryKind[] = [
  'neg', 'exp', 'log', 'log1p', 'sqrt', 'abs', 'sign', 'tanh', 'sigmoid', 'relu',
  'softplus', 'sin', 'cos', 'square', 'reciprocal', 'positive', 'clamp', 'inRange',
];
const BINARY_CODES: readonly BinaryKind[] = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum',
  'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual',
];

/** The flat form the addon decodes (native/program.cc). */
export function encodeProgram(program: ElementwiseProgram): { code: Int32Array; params: Float64Array } {
  const { inputs, instructions, outputs } = program;
  const code = new Int32Array(3 + 5 * instructions.length + outputs.length);
  const params = new Float64Array(2 * instructions.length);
  code.set([inputs, instructions.length, outputs.length]);
  instructions.forEach((ins, i) => {
    const w = 3 + 5 * i;
    switch (ins.op) {
      case 'unary':
        code.set([0, UNARY_CODES.indexOf(ins.kind), ins.x, 0, 0], w);
        params.set([ins.p0 ?? 0, ins.p1 ?? 0], 2 * i);
        break;
      case 'binary':
        code.set([1, BINARY_CODES.indexOf(ins.kind), ins.a, ins.b, 0], w);
        break;
      case 'where':
        code.set([2, 0, ins.cond, ins.a, ins.b], w);
        break;
      case 'constant':
        code.set([3, 0, 0, 0, 0], w);
        params[2 * i] = ins.value;
    }
  });
  code.set(outputs, 3 + 5 * instructions.length);
  return { code, params };
}

/** Compiles and caches programs in one addon. */
export class ProgramCache {
  private readonly ids = new WeakMap<ElementwiseProgram, number>();
  private readonly registry: FinalizationRegistry<number>;

  constructor(private readonly addon: Addon) {
    this.registry = new FinalizationRegistry((id) => addon.release(id));
  }

  /** The native id of `program`, compiling (and validating) it on first use. */
  idOf(program: ElementwiseProgram): number {
    let id = this.ids.get(program);
    if (id === undefined) {
      validateProgram(program);
      const { code, params } = encodeProgram(program);
      id = this.addon.compile(code, params);
      this.ids.set(program, id);
      this.registry.register(program, id);
    }
    return id;
  }
}

