import { recordOp, isRecording, soleRecordingTape } from '../autograd/tape.js';
import type { DifferentiableOpSpec, OpContext } from '../ops/op.js';
import { backend } from '../backend/current.js';
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { traceBackward } from './backward-graph.js';
import type { TraceGraph } from './graph.js';
import { invariantValues, planGraph, type GraphPlan } from './plan.js';
import { findDeferrable, type DeferredGradient } from './deferred-gradients.js';
import { traceFunction, type TraceInput } from './trace.js';
import { LoopRun } from './loop-run.js';
import { SlabPool, type RunBuffers } from './slab-pool.js';

/**
 * One step of a loop over time, on flat lists of tensors: loop-invariant `consts`
 * (parameters), the `carry` leaves and this step's slices of the sequences `xs`.
 * Returns the new carry (same shapes), this step's outputs, and optionally `exposed`
 * values: per-step intermediates (a cell's state before masking) that the run returns
 * as tensors of their own, each differentiable with its total cotangent (∂L/∂h_t).
 */
export type LoopStep = (consts: Tensor[], carry: Tensor[], xs: Tensor[]) => { carry: Tensor[]; ys: Tensor[]; exposed?: Tensor[] };

/** Shapes and dtypes a {@link compileLoop} plan is made for. */
export interface LoopSignature {
  /** Loop-invariant inputs (parameters): their full shapes. */
  readonly consts: readonly TraceInput[];
  /** Carry leaves: their full shapes (`[B, …]`). */
  readonly carry: readonly TraceInput[];
  /** Per-step inputs: the shape of one step's slice (`[B, …]` of a `[B, T, …]` sequence). */
  readonly xs: readonly TraceInput[];
  /** Per `xs` entry: whether it gets a gradient (a mask does not). Default: all do. */
  readonly xsDifferentiable?: readonly boolean[];
}

/** The result of {@link CompiledLoop.run}. */
export interface LoopResult {
  /** The carry after the last step. */
  readonly carry: Tensor[];
  /** Every step's outputs, `[B, T, …]` each, in time order. */
  readonly ys: Tensor[];
  /** The exposed values of every step: `exposed[t][k]`, in time order (empty when the step exposes none). */
  readonly exposed: Tensor[][];
}

/**
 * A loop compiled from a traced step: forward and backward planned once, run over any
 * number of steps with no tensor or tape entry per step. The tape sees a whole run as
 * one op whose backward is the traced backward of the step, run in reverse.
 */
export interface CompiledLoop {
  /**
   * Runs the loop over `xs` (`[B, T, …]` each; steps in time order, or from T−1 down to
   * 0 with `reverse`). Recorded on active tapes as one op.
   */
  run(consts: readonly Tensor[], carry: readonly Tensor[], xs: readonly Tensor[], reverse?: boolean): LoopResult;
  /** What a step runs: element-wise programs, products, copies (forward; backward). */
  readonly summary: string;
  /** Ops of the step recorded through a decomposition (a fused op replaced by its composed form), by name. */
  readonly decomposed: readonly string[];
}

/**
 * Traces `step` once for `signature` and plans its forward and backward. Throws a
 * {@link TraceError} when the step cannot be traced (it reads values, draws random
 * numbers, or uses an op a trace cannot record); the caller then runs it eagerly.
 */
export function compileLoop(step: LoopStep, signature: LoopSignature): CompiledLoop {
  const nc = signature.consts.length;
  const nh = signature.carry.length;
  const nx = signature.xs.length;
  let ny = 0;
  let ne = 0;
  const forward = traceFunction((inputs) => {
    const { carry, ys, exposed = [] } = step(inputs.slice(0, nc), inputs.slice(nc, nc + nh), inputs.slice(nc + nh));
    ny = ys.length;
    ne = exposed.length;
    return [...carry, ...ys, ...exposed];
  }, [...signature.consts, ...signature.carry, ...signature.xs]);
  const xsGrad = signature.xsDifferentiable ?? signature.xs.map(() => true);
  const needsGrad = [...signature.consts.map(() => true), ...signature.carry.map(() => true), ...xsGrad];
  const reverse = traceBackward(forward, needsGrad, forward.outputs.slice(nh + ny));
  return new PlannedLoop(step, forward, reverse.graph, reverse.primals, { nc, nh, nx, ny, ne, xsGrad });
}

/** How many of each kind of input and output a step has. */
export interface Arity {
  /** Loop-invariant inputs (consts). */
  nc: number;
  /** Carry leaves. */
  nh: number;
  /** Per-step inputs (xs). */
  nx: number;
  /** Per-step outputs (ys). */
  ny: number;
  /** Exposed per-step values. */
  ne: number;
  /** Per `xs` entry: whether it gets a gradient. */
  xsGrad: readonly boolean[];
}

/** The op a compiled run is recorded as (not in the registry: it exists only per run). */
const loopOpSpec: DifferentiableOpSpec<undefined> = {
  name: 'scan(compiled)',
  forward: () => {
    throw new Error('scan(compiled): runs only through CompiledLoop.run');
  },
  vjp: (cts, ctx: OpContext<undefined>) => (ctx.saved as LoopRun).backward(cts, ctx),
};

/** A compiled loop: its plans, and which buffers a run moves between them (fixed per plan). */
export class PlannedLoop implements CompiledLoop {
  /** The forward step's plan. */
  readonly fwd: GraphPlan;
  /** The backward step's plan. */
  readonly bwd: GraphPlan;
  /** Forward values the backward reads that change per step (stored in slabs): forward value, backward input. */
  readonly stepPrimals: { value: number; input: number }[] = [];
  /** Forward values the backward reads that do not change per step (copied once per run). */
  readonly invariantPrimals: { value: number; input: number }[] = [];
  readonly summary: string;
  readonly decomposed: readonly string[];
  /** Weight and bias gradients summed once over all steps (see {@link DeferredGradient}). */
  readonly deferred: DeferredGradient[];
  /** Per deferred operand: the forward slab holding it, or −1 (stored during the backward). */
  readonly deferredSources: number[][];
  /** Backward values stored per step for the deferred sums (slot `q` is source `−1 − q`). */
  readonly backwardStored: number[] = [];

  constructor(
    /** The step as written (run op by op when an outer tape records the backward). */
    readonly step: LoopStep,
    /** The traced forward step. */
    readonly forward: TraceGraph,
    /** The traced backward step. */
    readonly backwardGraph: TraceGraph,
    primals: readonly number[],
    /** How many inputs and outputs of each kind the step has. */
    readonly arity: Arity,
  ) {
    const be = backend();
    const { nc } = arity;
    const fwdVarying = forward.inputs.map((_, i) => i >= nc);
    const used = usedValues(backwardGraph);
    const nct = forward.outputs.length;
    const fwdPrimalIndex = new Set<number>();
    this.fwd = planGraph(forward, fwdVarying, primals.filter((v, k) => used.has(backwardGraph.inputs[nct + k])), be);
    primals.forEach((v, k) => {
      const input = backwardGraph.inputs[nct + k];
      if (!used.has(input)) return;
      fwdPrimalIndex.add(v);
      (this.fwd.invariant[v] ? this.invariantPrimals : this.stepPrimals).push({ value: v, input });
    });
    const bwdVarying = backwardGraph.inputs.map((v, i) => i < nct || !this.fwd.invariant[primals[i - nct]]);
    this.deferred = findDeferrable(backwardGraph, nc, invariantValues(backwardGraph, bwdVarying));
    const skip = new Set(this.deferred.flatMap((d) => d.skip));
    this.bwd = planGraph(backwardGraph, bwdVarying, this.deferred.flatMap((d) => d.operands), be, skip);
    // A deferred operand that is a stored forward value is read from its forward slab.
    const slabOf = new Map(this.stepPrimals.map(({ input }, p) => [input, p]));
    // Any other is stored per step during the backward, once per value however many sums read it.
    const ownSlab = (v: number): number => {
      let q = this.backwardStored.indexOf(v);
      if (q < 0) q = this.backwardStored.push(v) - 1;
      return -1 - q;
    };
    this.deferredSources = this.deferred.map((d) => d.operands.map((v) => slabOf.get(v) ?? ownSlab(v)));
    this.decomposed = forward.decomposed;
    const sums = this.deferred.length === 0 ? '' : `; ${this.deferred.length} parameter gradient(s) as one sum over all steps`;
    this.summary = `forward: ${this.fwd.summary}; backward: ${this.bwd.summary}; ${this.stepPrimals.length} value(s) stored per step${sums}`;
    const isZero = (v: number): boolean => backwardGraph.values[v].constant?.data.every((x) => x === 0) ?? false;
    const deferredOut = new Set(this.deferred.flatMap((d) => d.outputs));
    // A const the step does not read gets a zero cotangent: a constant, never added.
    this.perStepConsts = Array.from({ length: nc }, (_, i) => i).filter((i) => !deferredOut.has(i) && !isZero(backwardGraph.outputs[i]));
    this.xsWithGrad = arity.xsGrad.map((g, k) => (g ? k : -1)).filter((k) => k >= 0);
    this.pool = new SlabPool((T) => this.allocateBuffers(T));
  }

  /** Consts whose gradient is added up step by step (not deferred, not zero). */
  readonly perStepConsts: number[];
  /** Indices of the `xs` that get a gradient. */
  readonly xsWithGrad: number[];
  /** Reusable per-run buffers (see {@link SlabPool} for when they are reused). */
  readonly pool: SlabPool;

  private ones: Tensor | undefined;

  /** A `[1, n]` row of ones (kept for the last `n` and dtype asked for). */
  onesRow(n: number, dtype: Tensor['dtype']): Tensor {
    if (this.ones === undefined || this.ones.size !== n || this.ones.dtype !== dtype) this.ones = new Tensor([1, n], allocate(dtype, n).fill(1));
    return this.ones;
  }

  private allocateBuffers(T: number): RunBuffers {
    const f = this.fwd.tensors;
    const b = this.bwd.tensors;
    return {
      stored: this.stepPrimals.map(({ value }) => fresh([T, ...f[value].shape], f[value].dtype)),
      invariants: this.invariantPrimals.map(({ value }) => fresh(f[value].shape, f[value].dtype)),
      backwardStored: this.backwardStored.map((v) => fresh([T, ...b[v].shape], b[v].dtype)),
    };
  }

  run(consts: readonly Tensor[], carry: readonly Tensor[], xs: readonly Tensor[], reverse = false): LoopResult {
    const recording = isRecording();
    const T = xs[0].shape[1];
    const buffers = recording ? this.pool.take(T) : undefined;
    const run = new LoopRun(this, consts, carry, xs, reverse, buffers);
    const result = run.forward();
    if (buffers === undefined) return result;
    const inputs = [...consts, ...carry, ...xs];
    const outputs = [...result.carry, ...result.ys, ...result.exposed.flat()];
    recordOp(loopOpSpec as DifferentiableOpSpec<never>, inputs, outputs, undefined, run);
    soleRecordingTape()?.onDiscard(() => this.pool.give(T, buffers));
    return result;
  }
}

function fresh(shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  return new Tensor(shape, allocate(dtype, shape.reduce((n, d) => n * d, 1)));
}

/** The values some node of `graph` reads, or that it outputs. */
function usedValues(graph: TraceGraph): Set<number> {
  const used = new Set<number>(graph.outputs);
  for (const node of graph.nodes) for (const v of node.inputs) used.add(v);
  return used;
}

