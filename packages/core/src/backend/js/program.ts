import type { ElementwiseProgram } from '../program.js';
import { checkProgramOperands, validateProgram } from '../program.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { binaryLoop, unaryLoop } from './elementwise.js';
import { fusedLoop } from './program-codegen.js';

// An element-wise program runs in blocks of BLOCK elements: each instruction is one
// tight loop over a block held in a float64 register, so the registers stay in the L1
// cache and no intermediate tensor is ever allocated. The loops are the same generated
// per-kind loops the single kernels use, so results equal the kernels' in float64.

const BLOCK = 256;

/** Register blocks per program, allocated on its first run and reused by every later one. */
const registerCache = new WeakMap<ElementwiseProgram, Float64Array[]>();

function registersOf(program: ElementwiseProgram): Float64Array[] {
  let regs = registerCache.get(program);
  if (regs === undefined) {
    validateProgram(program);
    regs = Array.from({ length: program.inputs + program.instructions.length }, () => new Float64Array(BLOCK));
    registerCache.set(program, regs);
  }
  return regs;
}

function load(x: TypedArray, size: number, start: number, len: number, reg: Float64Array): void {
  if (size === 1) reg.fill(x[0], 0, len);
  else if (start % size + len <= size) reg.set(x.subarray(start % size, start % size + len));
  else for (let j = 0; j < len; j++) reg[j] = x[(start + j) % size];
}

/**
 * Runs `program` over `inputs`, writing `outputs` in place (the pure-TypeScript
 * {@link Backend.elementwise}). Outputs are caller-owned buffers, such as a compiled
 * scan's per-step slabs; they must not alias an input.
 */
export function elementwise(program: ElementwiseProgram, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
  const regs = registersOf(program);
  const n = checkProgramOperands(program, inputs, outputs);
  const sizes = inputs.map((x) => x.size);
  const loop = fusedLoop(program, sizes, n);
  if (loop !== null) {
    loop(inputs.map((x) => x.data), outputs.map((o) => o.data), sizes, n);
    return;
  }
  const first = program.inputs;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    for (let k = 0; k < first; k++) load(inputs[k].data, inputs[k].size, start, len, regs[k]);
    program.instructions.forEach((ins, i) => {
      const out = regs[first + i];
      switch (ins.op) {
        case 'unary':
          unaryLoop('float64', ins.kind)(regs[ins.x], out, len, ins.p0 ?? 0, ins.p1 ?? 0);
          break;
        case 'binary':
          binaryLoop('float64', ins.kind)(regs[ins.a], 0, 1, regs[ins.b], 0, 1, out, 0, len);
          break;
        case 'where': {
          const c = regs[ins.cond], a = regs[ins.a], b = regs[ins.b];
          for (let j = 0; j < len; j++) out[j] = c[j] !== 0 ? a[j] : b[j];
          break;
        }
        case 'constant':
          out.fill(ins.value, 0, len);
      }
    });
    program.outputs.forEach((r, o) => outputs[o].data.set(regs[r].subarray(0, len), start));
  }
}
