import type { ElementwiseProgram } from '../program.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { BINARY_EXPR, UNARY_EXPR } from './elementwise-loops.js';

/** A program compiled to one JavaScript loop: `(inputs, outputs, sizes, n)`. */
export type FusedLoop = (inputs: readonly TypedArray[], outputs: readonly TypedArray[], sizes: readonly number[], n: number) => void;

// One generated function per program: every instruction becomes a local in the loop
// body, so each element is loaded once, every intermediate stays in a register and no
// block of registers is written or read (the block runner's cost, ~5 ns per element
// and instruction). The expressions are the single kernels' own, evaluated in double
// and rounded on store as the block runner does, so results are identical. Only
// registered instruction kinds reach the generated text (never caller strings).

// Specialised to how each input is read (full, scalar or broadcast), which is fixed for
// a compiled plan's buffers; a call with other sizes regenerates the loop.
const fused = new WeakMap<ElementwiseProgram, { key: string; loop: FusedLoop | null }>();
let programs = 0;

/** How input `k` of `n`-element outputs is read: `f` full, `s` scalar, `b` broadcast (j mod size). */
function readKinds(sizes: readonly number[], n: number): string {
  return sizes.map((size) => (size === n ? 'f' : size === 1 ? 's' : 'b')).join('');
}

// Calls to Math's transcendental functions are kept out of fused loops: interleaved with
// arithmetic in one loop body they ran 2× slower than in a loop of their own (measured:
// three tanh and six products per element, 113 µs fused against 60 µs as separate loops
// for 1440 elements), so a program that has them runs on the block runner.
const CALLS = new Set(['exp', 'log', 'log1p', 'sqrt', 'tanh', 'sigmoid', 'softplus', 'sin', 'cos', 'pow']);

function hasCalls(program: ElementwiseProgram): boolean {
  return program.instructions.some((ins) => (ins.op === 'unary' || ins.op === 'binary') && CALLS.has(ins.kind));
}

/**
 * The fused loop of `program` for inputs of `sizes`, or `null` for the block runner:
 * where code generation is disallowed, or the program calls transcendental functions.
 */
export function fusedLoop(program: ElementwiseProgram, sizes: readonly number[], n: number): FusedLoop | null {
  const key = readKinds(sizes, n);
  let entry = fused.get(program);
  if (entry === undefined || entry.key !== key) {
    let loop: FusedLoop | null = null;
    if (!hasCalls(program)) try {
      loop = new Function(`return function program_${programs++}(ins, outs, sizes, n) { ${body(program, key)} };`)() as FusedLoop;
    } catch {
      loop = null; // code generation from strings is disallowed here
    }
    fused.set(program, (entry = { key, loop }));
  }
  return entry.loop;
}

function body(program: ElementwiseProgram, kinds: string): string {
  const lines: string[] = [];
  const reads: string[] = [];
  for (let k = 0; k < program.inputs; k++) {
    lines.push(`const in${k} = ins[${k}], size${k} = sizes[${k}];`);
    // Full-size inputs are read at j, scalars once, broadcast ones at j mod size.
    if (kinds[k] === 's') lines.push(`const r${k} = in${k}[0];`);
    else reads.push(kinds[k] === 'f' ? `const r${k} = in${k}[j];` : `const r${k} = in${k}[j % size${k}];`);
  }
  program.outputs.forEach((_, o) => lines.push(`const out${o} = outs[${o}];`));
  const steps = program.instructions.map((ins, i) => {
    const r = program.inputs + i;
    switch (ins.op) {
      case 'unary':
        return `let r${r}; { const x = r${ins.x}, p0 = ${literal(ins.p0 ?? 0)}, p1 = ${literal(ins.p1 ?? 0)}; r${r} = ${UNARY_EXPR[ins.kind]}; }`;
      case 'binary':
        return `let r${r}; { const a = r${ins.a}, b = r${ins.b}; r${r} = ${BINARY_EXPR[ins.kind]}; }`;
      case 'where':
        return `const r${r} = r${ins.cond} !== 0 ? r${ins.a} : r${ins.b};`;
      case 'constant':
        return `const r${r} = ${literal(ins.value)};`;
    }
  });
  const writes = program.outputs.map((reg, o) => `out${o}[j] = r${reg};`);
  lines.push(`for (let j = 0; j < n; j++) { ${[...reads, ...steps, ...writes].join(' ')} }`);
  return lines.join('\n');
}

/** A number as JavaScript source (NaN and ±Infinity included). */
function literal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return Object.is(v, -0) ? '-0' : String(v);
}
