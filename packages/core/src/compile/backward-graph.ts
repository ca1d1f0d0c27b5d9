import { sumToShape } from '../autograd/backward.js';
import { add } from '../ops/arithmetic.js';
import { isDifferentiable } from '../ops/op.js';
import { zeros } from '../tensor/create.js';
import { isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TraceGraph } from './graph.js';
import { traceWith } from './trace.js';

/** The reverse of a traced graph, itself a traced graph. */
export interface BackwardGraph {
  /**
   * Inputs: first one cotangent per forward output (in order), then forward values
   * (`primals[k]` is the forward value index of input `outputs.length + k`). Outputs:
   * the cotangent of each forward input that needs one (in order), then the total
   * cotangent of each value of `expose`.
   */
  readonly graph: TraceGraph;
  /** The forward value each primal input of {@link BackwardGraph.graph} stands for. */
  readonly primals: readonly number[];
}

/**
 * Derives the backward graph of `forward` by running its ops' own backward rules on
 * symbolic tensors — the same reverse sweep the tape does, traced instead of computed.
 * Nothing is written by hand per op or per cell: a rule written with ops is traceable.
 *
 * @param needsGrad - per forward input: whether its cotangent is wanted
 * @param expose - forward values whose total cotangent is also an output (for ∂L/∂h_t)
 */
export function traceBackward(forward: TraceGraph, needsGrad: readonly boolean[], expose: readonly number[] = []): BackwardGraph {
  const { values, nodes } = forward;
  const tracked = new Array<boolean>(values.length).fill(false);
  forward.inputs.forEach((v, i) => (tracked[v] = needsGrad[i] && isFloat(values[v].dtype)));
  for (const node of nodes) {
    const live = isDifferentiable(node.spec) && node.inputs.some((v) => tracked[v]);
    for (const o of node.outputs) tracked[o] = live && isFloat(values[o].dtype);
  }
  const primals: number[] = [];
  const graph = traceWith((input) => {
    const cotangentInputs = forward.outputs.map((v) => input(values[v].shape, values[v].dtype));
    const symbols = new Map<number, Tensor>();
    const primal = (v: number): Tensor => {
      const c = values[v].constant;
      if (c !== undefined) return c;
      let t = symbols.get(v);
      if (t === undefined) {
        t = input(values[v].shape, values[v].dtype);
        symbols.set(v, t);
        primals.push(v);
      }
      return t;
    };
    const cts = new Map<number, Tensor>();
    const accumulate = (v: number, g: Tensor): void => {
      const prev = cts.get(v);
      cts.set(v, prev === undefined ? g : add(prev, g));
    };
    forward.outputs.forEach((v, k) => {
      if (tracked[v]) accumulate(v, cotangentInputs[k]);
    });
    for (let n = nodes.length - 1; n >= 0; n--) {
      const node = nodes[n];
      const spec = node.spec;
      if (!isDifferentiable(spec) || !node.outputs.some((o) => cts.has(o))) continue;
      const inputs = node.inputs.map(primal);
      const outputs = node.outputs.map(primal);
      const outCts = node.outputs.map((o) => cts.get(o) ?? zeros(values[o].shape, values[o].dtype));
      const wants = node.inputs.map((v) => tracked[v]);
      const inCts = spec.vjp(outCts, { inputs, outputs, attrs: node.attrs, saved: undefined, needsGrad: wants });
      node.inputs.forEach((v, i) => {
        const g = inCts[i];
        if (wants[i] && g !== null && g !== undefined) accumulate(v, sumToShape(g, values[v].shape));
      });
    }
    const total = (v: number): Tensor => cts.get(v) ?? zeros(values[v].shape, values[v].dtype);
    const wanted = forward.inputs.filter((_, i) => needsGrad[i]);
    return [...wanted.map(total), ...expose.map(total)];
  });
  return { graph, primals };
}
