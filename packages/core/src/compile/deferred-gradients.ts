import type { TraceGraph, TraceNode } from './graph.js';
import { specOf } from './structural-ops.js';
import { sumOp } from '../ops/reduce.js';
import type { OpSpec } from '../ops/op.js';

/**
 * A loop-invariant input's per-step gradient that is better summed once over all steps
 * than computed and added at every step: a weight's `g_tᵀ h_t` (T thin products, each a
 * full weight-sized output) becomes one `[T·B]`-deep product `Gᵀ H`, and a bias's
 * `Σ_b g_t[b]` one sum over `T·B` rows. The step stores the operands instead.
 */
export interface DeferredGradient {
  /** Which backward-graph outputs (consts' cotangents) this replaces: several when consts share one cotangent (two biases added into one). */
  readonly outputs: readonly number[];
  /** `product`: `Σ_t op0ᵀ · op1`; `rowSum`: `Σ_t Σ_rows op0`. */
  readonly kind: 'product' | 'rowSum';
  /** The backward values stored per step. */
  readonly operands: readonly number[];
  /** The nodes no longer run per step. */
  readonly skip: readonly TraceNode[];
}

/**
 * Finds the gradients of the first `count` outputs of `graph` that can be deferred: a
 * rank-2 product with `transA` of two per-step values, or a sum over the batch axis
 * (then reshaped, as the sweep's unbroadcasting does), whose result nothing else reads.
 */
export function findDeferrable(graph: TraceGraph, count: number, invariant: readonly boolean[]): DeferredGradient[] {
  const producer = new Map<number, TraceNode>();
  const readers = new Map<number, number>();
  for (const node of graph.nodes) {
    for (const o of node.outputs) producer.set(o, node);
    for (const v of node.inputs) readers.set(v, (readers.get(v) ?? 0) + 1);
  }
  // A value nothing reads and that is output only as consts' cotangents (maybe several).
  const constsOf = (v: number): number[] | undefined => {
    if ((readers.get(v) ?? 0) !== 0) return undefined;
    const at = graph.outputs.flatMap((o, k) => (o === v ? [k] : []));
    return at.every((k) => k < count) ? at : undefined;
  };
  const found: DeferredGradient[] = [];
  const seen = new Set<number>();
  for (let c = 0; c < count; c++) {
    const v = graph.outputs[c];
    if (seen.has(v)) continue;
    seen.add(v);
    const node = producer.get(v);
    const output = constsOf(v);
    if (node === undefined || output === undefined || invariant[v]) continue;
    if (specOf(node.spec) === 'matmul') {
      const { transA, transB } = node.attrs as { transA: boolean; transB: boolean };
      const [a, b] = node.inputs;
      if (transA && !transB && graph.values[a].shape.length === 2 && graph.values[b].shape.length === 2 && !invariant[a] && !invariant[b]) {
        found.push({ outputs: output, kind: 'product', operands: [a, b], skip: [node] });
      }
      continue;
    }
    const sumNode = specOf(node.spec) === 'reshape' ? producer.get(node.inputs[0]) : node;
    if (sumNode === undefined || sumNode.spec !== (sumOp.spec as OpSpec<unknown>)) continue;
    if (sumNode !== node && (readers.get(sumNode.outputs[0]) ?? 0) !== 1) continue;
    const { axes } = sumNode.attrs as { axes: number[] };
    const g = sumNode.inputs[0];
    if (graph.values[g].shape.length === 2 && axes.length === 1 && axes[0] === 0 && !invariant[g]) {
      found.push({ outputs: output, kind: 'rowSum', operands: [g], skip: sumNode === node ? [node] : [node, sumNode] });
    }
  }
  return found;
}
