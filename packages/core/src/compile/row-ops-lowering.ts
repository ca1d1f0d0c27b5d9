import type { Backend } from '../backend/backend.js';
import { runStepCommand, type GatherCommand, type SoftmaxCommand } from '../backend/step-commands.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { gatherInto } from './gather-into.js';
import type { TraceNode } from './graph.js';
import type { LoweredOp } from './structural-lowering.js';

// A gather (an embedding lookup) and a softmax along the last axis as commands, so that a
// step that reads a token and ends in probabilities — a sampler's — binds as one backend
// call instead of three with these two ops run in JavaScript between them, each making a
// fresh tensor that is then copied into the plan's buffer.

/** `gather(table, indices, axis)` into the plan's buffer: a checked copy of picked slices. */
export function lowerGather(node: TraceNode, tensors: readonly Tensor[]): LoweredOp | undefined {
  const [table, indices] = node.inputs.map((v) => tensors[v]);
  const out = tensors[node.outputs[0]];
  if (indices.dtype !== 'int32' || table.dtype !== out.dtype) return undefined;
  const { axis } = node.attrs as { axis: number };
  const command: GatherCommand = {
    kind: 'gather',
    op: node.spec.name,
    table: table.data,
    indices: indices.data as Int32Array,
    dst: out.data,
    outer: sizeOf(table.shape.slice(0, axis)),
    size: table.shape[axis],
    inner: sizeOf(table.shape.slice(axis + 1)),
  };
  return { run: () => gatherInto(command), commands: [command], products: 0, copies: 1 };
}

/** `softmax`/`logSoftmax` along the last axis into the plan's buffer; other axes keep their own forward. */
export function lowerSoftmax(node: TraceNode, tensors: readonly Tensor[], be: Backend, log: boolean): LoweredOp | undefined {
  const src = tensors[node.inputs[0]];
  const dst = tensors[node.outputs[0]];
  if ((node.attrs as { axis: number }).axis !== src.rank - 1) return undefined;
  const command: SoftmaxCommand = { kind: 'softmax', src, dst, log };
  return { run: () => runStepCommand(command, 0, be), commands: [command], products: 0, copies: 0 };
}
