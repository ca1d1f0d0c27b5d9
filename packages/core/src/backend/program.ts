import type { BinaryKind, UnaryKind } from './backend.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * One instruction of an {@link ElementwiseProgram}. Operands name registers; the
 * instruction at index `i` writes register `program.inputs + i`.
 */
export type ElementwiseInstruction =
  | { readonly op: 'unary'; readonly kind: UnaryKind; readonly x: number; readonly p0?: number; readonly p1?: number }
  | { readonly op: 'binary'; readonly kind: BinaryKind; readonly a: number; readonly b: number }
  | { readonly op: 'where'; readonly cond: number; readonly a: number; readonly b: number }
  | { readonly op: 'constant'; readonly value: number };

/**
 * A straight-line chain of element-wise functions run as one loop: what a compiled
 * recurrent step's gate math becomes (an LSTM's sigmoids, tanhs, products and sums),
 * so each element is loaded once and every intermediate stays in registers.
 *
 * Registers `0 … inputs − 1` hold the inputs; instruction `i` writes register
 * `inputs + i`; `outputs` lists the registers written out, in order. Each instruction
 * has the meaning of the backend kernel of the same kind ({@link Backend.unary},
 * {@link Backend.binary}, {@link Backend.where}); NaN propagates as it does there.
 *
 * Broadcasting: with `n` the outputs' size, input `k` is read at element `j mod size_k`
 * — a full tensor (`size_k = n`), a scalar (`1`), or a tensor broadcast along leading
 * axes, such as a bias `[H]` against `[B, H]` (`n` a multiple of `size_k`).
 */
export interface ElementwiseProgram {
  /** How many input registers the program reads. */
  readonly inputs: number;
  /** The instructions, in order. */
  readonly instructions: readonly ElementwiseInstruction[];
  /** The registers written to the outputs, in order. */
  readonly outputs: readonly number[];
}

/** The registers an instruction reads. */
export function instructionOperands(ins: ElementwiseInstruction): number[] {
  switch (ins.op) {
    case 'unary':
      return [ins.x];
    case 'binary':
      return [ins.a, ins.b];
    case 'where':
      return [ins.cond, ins.a, ins.b];
    case 'constant':
      return [];
  }
}

/**
 * Checks that every operand names an earlier register and every output an existing one;
 * throws an `Error` naming the first bad instruction. Backends call it once per program
 * (programs are built once and run many times).
 */
export function validateProgram(program: ElementwiseProgram): void {
  const { inputs, instructions, outputs } = program;
  if (!Number.isInteger(inputs) || inputs < 0) throw new Error(`elementwise program: inputs must be a non-negative integer, got ${inputs}`);
  instructions.forEach((ins, i) => {
    for (const r of instructionOperands(ins)) {
      if (!Number.isInteger(r) || r < 0 || r >= inputs + i) {
        throw new Error(`elementwise program: instruction ${i} (${ins.op}) reads register ${r}, but only 0…${inputs + i - 1} are written before it`);
      }
    }
  });
  for (const r of outputs) {
    if (!Number.isInteger(r) || r < 0 || r >= inputs + instructions.length) {
      throw new Error(`elementwise program: output register ${r} does not exist (${inputs + instructions.length} registers)`);
    }
  }
}

/**
 * Checks a run's operands against `program`: as many inputs and outputs as it names,
 * every output of one size `n`, and each input's size dividing `n` (the broadcast rule
 * of {@link ElementwiseProgram}). Returns `n`. Every backend calls it before running a
 * program, so all of them refuse the same operands with the same message.
 */
export function checkProgramOperands(program: ElementwiseProgram, inputs: readonly Tensor[], outputs: readonly Tensor[]): number {
  if (inputs.length !== program.inputs) throw new Error(`elementwise: the program reads ${program.inputs} inputs, got ${inputs.length}`);
  if (outputs.length !== program.outputs.length) throw new Error(`elementwise: the program writes ${program.outputs.length} outputs, got ${outputs.length}`);
  const n = outputs.length > 0 ? outputs[0].size : 0;
  for (const out of outputs) if (out.size !== n) throw new Error(`elementwise: outputs differ in size (${n} and ${out.size})`);
  for (const x of inputs) {
    if (x.size === 0 ? n !== 0 : n % x.size !== 0) throw new Error(`elementwise: an input of ${x.size} elements does not broadcast to ${n}`);
  }
  return n;
}
