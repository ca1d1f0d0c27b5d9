import { addOp } from '../ops/arithmetic.js';
import type { OpSpec } from '../ops/op.js';
import type { Tensor } from '../tensor/tensor.js';
import { copyBlock } from './block-copy.js';
import type { TraceNode, TraceValue } from './graph.js';
import { specOf } from './structural-ops.js';

/** Attributes of a scatter. */
export interface ScatterAttrs {
  /** Where each input's block starts in the output, per axis. */
  readonly starts: readonly (readonly number[])[];
  /** The blocks cover the whole output (no zero fill needed). */
  readonly covers: boolean;
}

/**
 * The sum of zero-padded blocks that do not overlap, written directly: what the
 * backward of slicing a tensor into parts becomes (an LSTM's four gate slices give
 * `pad(di) + pad(df) + pad(dg) + pad(do)`), one block copy per part instead of four
 * zero-filled full-size buffers and three full-size additions.
 */
export const scatterSpec: OpSpec<ScatterAttrs> = {
  name: 'scatter',
  differentiable: false,
  forward: () => {
    throw new Error('scatter: runs only inside a compiled plan (scatterInto)');
  },
};

/** Writes the scatter of `inputs` into `out`. */
export function scatterInto(inputs: readonly Tensor[], attrs: ScatterAttrs, out: Tensor): void {
  if (!attrs.covers) out.data.fill(0);
  inputs.forEach((x, k) => copyBlock(x.data, x.shape, x.shape.map(() => 0), out.data, out.shape, attrs.starts[k], x.shape));
}

/**
 * Replaces every tree of `add`s whose leaves are `pad`s of disjoint blocks (and whose
 * inner values nothing else reads) by one scatter node at the root's place.
 */
export function fuseScatterAdds(nodes: readonly TraceNode[], values: readonly TraceValue[], readAfter: ReadonlySet<number>): TraceNode[] {
  const producer = new Map<number, TraceNode>();
  const readers = new Map<number, number>();
  for (const node of nodes) {
    for (const o of node.outputs) producer.set(o, node);
    for (const v of node.inputs) readers.set(v, (readers.get(v) ?? 0) + 1);
  }
  const isAdd = (n: TraceNode | undefined): n is TraceNode => n !== undefined && n.spec === (addOp.spec as OpSpec<unknown>);
  const internal = (v: number): boolean => readers.get(v) === 1 && !readAfter.has(v);
  /** The pads under `v` (an add tree), or undefined when it is not such a tree. */
  const padsUnder = (v: number, nodesSeen: TraceNode[]): TraceNode[] | undefined => {
    const n = producer.get(v);
    if (n === undefined) return undefined;
    nodesSeen.push(n);
    if (specOf(n.spec) === 'pad') return [n];
    if (!isAdd(n) || !n.inputs.every(internal)) return undefined;
    const [a, b] = n.inputs.map((x) => padsUnder(x, nodesSeen));
    return a && b ? [...a, ...b] : undefined;
  };
  const replaced = new Map<TraceNode, TraceNode | null>();
  for (const root of nodes) {
    if (!isAdd(root) || replaced.has(root)) continue;
    const seen: TraceNode[] = [];
    const pads = root.inputs.every(internal) ? root.inputs.map((x) => padsUnder(x, seen)) : [undefined];
    if (pads.some((p) => p === undefined)) continue;
    const leaves = (pads as TraceNode[][]).flat();
    const outShape = values[root.outputs[0]].shape;
    const blocks = leaves.map((p) => ({ start: (p.attrs as { before: number[] }).before, size: values[p.inputs[0]].shape }));
    if (blocks.some((b) => b.start.length !== outShape.length) || !disjoint(blocks)) continue;
    const volume = blocks.reduce((s, b) => s + b.size.reduce((x, d) => x * d, 1), 0);
    const attrs: ScatterAttrs = { starts: blocks.map((b) => b.start), covers: volume === outShape.reduce((x, d) => x * d, 1) };
    for (const n of seen) replaced.set(n, null);
    replaced.set(root, { spec: scatterSpec as OpSpec<unknown>, inputs: leaves.map((p) => p.inputs[0]), outputs: root.outputs, attrs });
  }
  const out: TraceNode[] = [];
  for (const n of nodes) {
    const r = replaced.get(n);
    if (r === undefined) out.push(n);
    else if (r !== null) out.push(r);
  }
  return out;
}

function disjoint(blocks: readonly { start: readonly number[]; size: readonly number[] }[]): boolean {
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      const a = blocks[i];
      const b = blocks[j];
      const overlap = a.start.every((s, d) => s < b.start[d] + b.size[d] && b.start[d] < s + a.size[d]);
      if (overlap) return false;
    }
  }
  return true;
}
