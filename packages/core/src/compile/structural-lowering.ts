import type { Backend } from '../backend/backend.js';
import type { StepCommand } from '../backend/step-commands.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import type { TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { blockCommand, copyBlock } from './block-copy.js';
import type { TraceNode } from './graph.js';
import type { Instruction } from './plan.js';
import type { StructuralOp } from './structural-ops.js';
import { lowerGather, lowerSoftmax } from './row-ops-lowering.js';

// The structural ops of a plan (products, reshapes, slices, pads, splits, concatenations,
// sums; gathers and softmaxes in row-ops-lowering.ts) as kernel calls on the plan's fixed buffers — no tensor allocated per run — each
// with its command form where one exists, so a backend can bind it with its neighbours.

/** A structural op as a planned action, its command form, and what it counts as in a plan's summary. */
export interface LoweredOp {
  /** The action on the plan's buffers. */
  readonly run: Instruction;
  /** The same action as step commands, or undefined when it has no command form. */
  readonly commands?: StepCommand[];
  /** Products it makes. */
  readonly products: number;
  /** Block copies it makes. */
  readonly copies: number;
}

/** `node` (of structural `kind`) lowered onto `tensors`, or undefined where it needs its own forward. */
export function lowerStructural(node: TraceNode, kind: StructuralOp, tensors: readonly Tensor[], be: Backend): LoweredOp | undefined {
  const ins = node.inputs.map((v) => tensors[v]);
  const out = tensors[node.outputs[0]];
  switch (kind) {
    case 'matmul':
      return lowerProduct(ins[0], ins[1], node.attrs as { transA: boolean; transB: boolean }, out, be);
    case 'reshape':
      if (out.data === ins[0].data) return { run: () => {}, commands: [], products: 0, copies: 0 };
      return { run: () => out.data.set(ins[0].data), commands: [wholeCopy(ins[0].data, out.data)], products: 0, copies: 0 };
    case 'slice': {
      const { starts, sizes } = node.attrs as { starts: number[]; sizes: number[] };
      const zeros = starts.map(() => 0);
      const copy = blockCommand(ins[0].data, ins[0].shape, starts, out.data, out.shape, zeros, sizes);
      return { run: () => copyBlock(ins[0].data, ins[0].shape, starts, out.data, out.shape, zeros, sizes), commands: copy && [copy], products: 0, copies: 1 };
    }
    case 'pad': {
      const { before } = node.attrs as { before: number[] };
      const zeros = before.map(() => 0);
      const copy = blockCommand(ins[0].data, ins[0].shape, zeros, out.data, out.shape, before, ins[0].shape);
      const run = (): void => {
        out.data.fill(0);
        copyBlock(ins[0].data, ins[0].shape, zeros, out.data, out.shape, before, ins[0].shape);
      };
      return { run, commands: copy && [zeroCommand(out.data), copy], products: 0, copies: 1 };
    }
    case 'split':
    case 'concat':
      return lowerJoin(node, kind, tensors);
    case 'sum':
      return isFloat(out.dtype) ? sumAsProduct(ins[0], (node.attrs as { axes: number[] }).axes, out, be) : undefined;
    case 'gather':
      return lowerGather(node, tensors);
    case 'softmax':
    case 'logSoftmax':
      return lowerSoftmax(node, tensors, be, kind === 'logSoftmax');
  }
}

/**
 * A product with a rank-2 right operand: one `matmulInto`, a `[…, K]` left batch (not
 * transposed) taken as a `[rows, K]` view of its buffer. Undefined for any other product.
 */
function lowerProduct(a: Tensor, b: Tensor, attrs: { transA: boolean; transB: boolean }, out: Tensor, be: Backend): LoweredOp | undefined {
  if (b.rank !== 2 || a.rank < 2 || (a.rank > 2 && attrs.transA)) return undefined;
  const { transA, transB } = attrs;
  const rows = a.rank === 2 ? a : new Tensor([a.size / a.shape[a.rank - 1], a.shape[a.rank - 1]], a.data);
  const product = a.rank === 2 ? out : new Tensor([rows.shape[0], b.shape[transB ? 0 : 1]], out.data);
  return { run: () => be.matmulInto(rows, b, transA, transB, product, false), commands: [{ kind: 'matmul', a: rows, b, transA, transB, out: product, accumulate: false }], products: 1, copies: 0 };
}

/**
 * A sum over leading or trailing axes as a product with a row or column of ones (one
 * `matmulInto`, so it binds with the products around it), or undefined for other axes.
 */
function sumAsProduct(x: Tensor, axes: readonly number[], out: Tensor, be: Backend): LoweredOp | undefined {
  const sorted = [...axes].sort((p, q) => p - q);
  const leading = sorted.every((a, i) => a === i);
  const trailing = sorted.every((a, i) => a === x.rank - sorted.length + i);
  if (!leading && !trailing) return undefined;
  const reduced = sorted.reduce((n, a) => n * x.shape[a], 1);
  const kept = x.size / reduced;
  const ones = new Tensor(leading ? [1, reduced] : [reduced, 1], allocate(x.dtype, reduced).fill(1));
  const a = leading ? ones : new Tensor([kept, reduced], x.data);
  const b = leading ? new Tensor([reduced, kept], x.data) : ones;
  const product = new Tensor(leading ? [1, kept] : [kept, 1], out.data);
  return { run: () => be.matmulInto(a, b, false, false, product, false), commands: [{ kind: 'matmul', a, b, transA: false, transB: false, out: product, accumulate: false }], products: 1, copies: 0 };
}

/** A split (one block copy per output) or a concatenation (one per input) along the op's axis. */
function lowerJoin(node: TraceNode, kind: 'split' | 'concat', tensors: readonly Tensor[]): LoweredOp {
  const { axis } = node.attrs as { axis: number };
  const whole = kind === 'split' ? tensors[node.inputs[0]] : tensors[node.outputs[0]];
  const parts = (kind === 'split' ? node.outputs : node.inputs).map((v) => tensors[v]);
  const zeros = whole.shape.map(() => 0);
  let offset = 0;
  const blocks = parts.map((part) => {
    const at = whole.shape.map((_, a) => (a === axis ? offset : 0));
    offset += part.shape[axis];
    return kind === 'split'
      ? { src: whole, srcStart: at, dst: part, dstStart: zeros, size: part.shape }
      : { src: part, srcStart: zeros, dst: whole, dstStart: at, size: part.shape };
  });
  const commands = blocks.map((b) => blockCommand(b.src.data, b.src.shape, b.srcStart, b.dst.data, b.dst.shape, b.dstStart, b.size));
  const run = (): void => {
    for (const b of blocks) copyBlock(b.src.data, b.src.shape, b.srcStart, b.dst.data, b.dst.shape, b.dstStart, b.size);
  };
  return { run, commands: commands.every((c) => c !== undefined) ? (commands as StepCommand[]) : undefined, products: 0, copies: blocks.length };
}

function wholeCopy(src: TypedArray, dst: TypedArray): StepCommand {
  return { kind: 'copy', src, srcStart: 0, srcStride: 0, dst, dstStart: 0, dstStride: 0, rows: 1, length: src.length };
}

/** Sets every element of `dst` to 0, as a command. */
export function zeroCommand(dst: TypedArray): StepCommand {
  return { kind: 'zero', dst };
}
