import { isRecording } from '../autograd/tape.js';
import type { Backend } from '../backend/backend.js';
import { backend } from '../backend/current.js';
import { TraceError } from '../errors.js';
import { matchSkeleton, signatureOf, skeletonOf, type Skeleton } from './jit-signature.js';
import type { Tensor } from '../tensor/tensor.js';
import { refuseAnyDisposed } from '../tensor/refuse-disposed.js';
import { leaves, mapTree } from '../tree/tree.js';
import type { TraceGraph } from './graph.js';
import { copyOutputs, OutputSlot, outputLayout, type OutputLayout } from './jit-outputs.js';
import { planGraph, type GraphPlan } from './plan.js';
import { isTracing, traceFunction } from './trace.js';

/**
 * A function compiled by {@link jit}: called like the original, plus `explain`.
 */
export interface Jitted<Args extends readonly unknown[], R> {
  /** Calls the function: compiled for this signature, or op by op (see {@link jit}). */
  (...args: Args): R;
  /**
   * How a call with these arguments runs: the compiled plan's summary, or why it runs
   * op by op (a tape records, or the function cannot be traced). Compiles if needed.
   */
  explain(...args: Args): string;
}

/** One compiled signature: the traced graph on fixed buffers, and the inputs last copied in. */
interface Compiled {
  readonly kind: 'compiled';
  readonly graph: TraceGraph;
  readonly plan: GraphPlan;
  /** The tensors last copied into each input buffer: an unchanged tensor is not copied again. */
  readonly lastInputs: (Tensor | undefined)[];
  /** Where the outputs go and the tree they are returned in. */
  readonly outputs: OutputLayout;
  /** The plan's tensors holding the graph's outputs. */
  readonly outputBuffers: readonly Tensor[];
  /** The arguments' structure, to recognise a call with the same signature without building its key. */
  readonly skeleton: Skeleton;
  /** The backend the plan was made for. */
  readonly backend: Backend;
  /** The input tensors of the call being run (reused: no array per call). */
  readonly inputs: Tensor[];
  /** The tensors `fn` closes over, which the plan reads in place: refused once disposed. */
  readonly constants: readonly Tensor[];
}

/** A signature whose function cannot be traced: it runs op by op, for this reason. */
interface Eager {
  readonly kind: 'eager';
  readonly reason: string;
}

/**
 * Compiles `fn`, a function of trees of tensors (see {@link Tree}) returning a tree of
 * tensors: on the first call with given shapes, dtypes and non-tensor arguments it is
 * traced once into a graph of registered ops and planned on fixed buffers — element-wise
 * chains fused into single programs, products written in place, and on a backend that
 * binds steps (native) runs of them made one call. Later calls with the same signature
 * copy in only the input tensors that changed since the last call (parameters passed
 * again are not copied), run the plan, and return fresh output tensors.
 *
 * It pays where a small function is called many times: sampling one token at a time
 * from a language model, or any step-by-step inference. What it does not do:
 * - While a tape records (inside `grad`, `valueAndGrad`, `record`), and while an outer
 *   trace records, `fn` runs op by op, so gradients flow exactly as without `jit`.
 * - A function the trace cannot see through (it reads `.data`, branches on values,
 *   draws random numbers) runs op by op on every call; `explain` says why.
 * - Like JAX's `jit`, tensors `fn` closes over are baked into the plan as constants:
 *   pass parameters that change (after a training step) as arguments. Tensors are values:
 *   one must not be written through `.data` after it was passed to a jitted function.
 *
 * @example
 * ```ts
 * import { jit, matmul, tanh, tensor, type Tensor } from '@tapestry/core';
 * const step = jit((w: Tensor, h: Tensor) => tanh(matmul(h, w)));
 * const w = tensor([[0.5, -0.25], [0.125, 1]]);
 * let h = tensor([[1, 2]]);
 * for (let t = 0; t < 3; t++) h = step(w, h);
 * ```
 */
export function jit<Args extends readonly unknown[], R>(fn: (...args: Args) => R): Jitted<Args, R> {
  // Per backend (by identity, as the fast path below checks it), per signature.
  const plans = new Map<Backend, Map<string, Compiled | Eager>>();
  let last: Compiled | undefined;
  const lookup = (args: Args): Compiled | Eager => {
    const be = backend();
    let signatures = plans.get(be);
    if (signatures === undefined) plans.set(be, (signatures = new Map()));
    const key = signatureOf(args);
    let entry = signatures.get(key);
    if (entry === undefined) signatures.set(key, (entry = compile(fn, args)));
    return entry;
  };
  const jitted = (...args: Args): R => {
    if (isRecording() || isTracing()) return fn(...args);
    // Most calls repeat the last signature: checked in place, with no key built.
    if (last !== undefined && last.backend === backend() && matchSkeleton(last.skeleton, args, last.inputs)) return run(last) as R;
    const entry = lookup(args);
    if (entry.kind === 'eager') return fn(...args);
    last = entry;
    matchSkeleton(entry.skeleton, args, entry.inputs);
    return run(entry) as R;
  };
  jitted.explain = (...args: Args): string => {
    if (isRecording()) return 'op by op: a tape records, so gradients flow through the ops';
    if (isTracing()) return 'op by op: inside an outer trace, which records the ops';
    const entry = lookup(args);
    return entry.kind === 'eager' ? `op by op: ${entry.reason}` : `compiled: ${entry.plan.summary}`;
  };
  return jitted;
}

/** Traces and plans `fn` for the signature of `args`, or records why it cannot be compiled. */
function compile<Args extends readonly unknown[], R>(fn: (...args: Args) => R, args: Args): Compiled | Eager {
  const inputs = leaves(args);
  let outputTree: unknown;
  let graph: TraceGraph;
  try {
    graph = traceFunction((symbolic) => {
      let k = 0;
      const traced = mapTree(args as unknown, () => symbolic[k++]) as unknown as Args;
      let slot = 0;
      const result = fn(...traced);
      const outs = leaves(result);
      outputTree = mapTree(result as unknown, () => new OutputSlot(slot++));
      return outs;
    }, inputs);
  } catch (e) {
    if (e instanceof TraceError) return { kind: 'eager', reason: e.message };
    throw e;
  }
  const plan = planGraph(graph, graph.inputs.map(() => true), [], backend());
  // Nodes that read only constants (tensors `fn` closes over) run once, here.
  for (const instruction of plan.hoisted) instruction();
  const outputBuffers = graph.outputs.map((v) => plan.tensors[v]);
  const outputs = outputLayout(outputBuffers, outputTree);
  return { kind: 'compiled', graph, plan, lastInputs: inputs.map(() => undefined), outputs, outputBuffers, skeleton: skeletonOf(args), backend: backend(), inputs: [...inputs], constants: constantsOf(graph) };
}

function constantsOf(graph: TraceGraph): Tensor[] {
  return graph.values.flatMap((v) => (v.constant === undefined ? [] : [v.constant]));
}

/** One compiled call on the inputs `matchSkeleton` gathered: changed ones copied in, the plan run, outputs copied out. */
function run(entry: Compiled): unknown {
  const { graph, plan, lastInputs, inputs } = entry;
  const tensors = plan.tensors;
  refuseAnyDisposed('jit', entry.constants);
  refuseAnyDisposed('jit', inputs);
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i] === lastInputs[i]) continue;
    tensors[graph.inputs[i]].data.set(inputs[i].data);
    lastInputs[i] = inputs[i];
  }
  for (const instruction of plan.perStep) instruction();
  return copyOutputs(entry.outputs, entry.outputBuffers, entry.backend);
}
