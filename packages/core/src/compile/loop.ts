import { recordOp, isRecording } from '../autograd/tape.js';
import type { DifferentiableOpSpec, OpContext } from '../ops/op.js';
import { backend } from '../backend/current.js';
import { allocate, type DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { traceBackward } from './backward-graph.js';
import type { TraceGraph } from './graph.js';
import { invariantValues, planGraph, type GraphPlan } from './plan.js';
import { findDeferrable, type DeferredGradient } from './deferred-gradients.js';
import { sumRows } from './loop-io.js';
import { traceFunction, type TraceInput } from './trace.js';
import { eagerLoopVjp } from './eager-loop.js';
import { addInto, readStep, writeStep } from './loop-io.js';

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

interface Arity {
  nc: number;
  nh: number;
  nx: number;
  ny: number;
  ne: number;
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

class PlannedLoop implements CompiledLoop {
  readonly fwd: GraphPlan;
  readonly bwd: GraphPlan;
  /** Forward values the backward reads that change per step (stored in slabs) / that do not. */
  readonly stepPrimals: { value: number; input: number }[] = [];
  readonly invariantPrimals: { value: number; input: number }[] = [];
  readonly summary: string;
  readonly decomposed: readonly string[];
  /** Weight and bias gradients summed once over all steps (see {@link DeferredGradient}). */
  readonly deferred: DeferredGradient[];
  /** Per deferred operand: the forward slab holding it, or −1 (stored during the backward). */
  readonly deferredSources: number[][];

  constructor(
    readonly step: LoopStep,
    readonly forward: TraceGraph,
    readonly backwardGraph: TraceGraph,
    primals: readonly number[],
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
    this.deferredSources = this.deferred.map((d) => d.operands.map((v) => slabOf.get(v) ?? -1));
    this.decomposed = forward.decomposed;
    const sums = this.deferred.length === 0 ? '' : `; ${this.deferred.length} parameter gradient(s) as one sum over all steps`;
    this.summary = `forward: ${this.fwd.summary}; backward: ${this.bwd.summary}; ${this.stepPrimals.length} value(s) stored per step${sums}`;
  }

  run(consts: readonly Tensor[], carry: readonly Tensor[], xs: readonly Tensor[], reverse = false): LoopResult {
    const run = new LoopRun(this, consts, carry, xs, reverse, isRecording());
    const result = run.forward();
    const inputs = [...consts, ...carry, ...xs];
    const outputs = [...result.carry, ...result.ys, ...result.exposed.flat()];
    recordOp(loopOpSpec as DifferentiableOpSpec<never>, inputs, outputs, undefined, run);
    return result;
  }
}

/** The values some node of `graph` reads, or that it outputs. */
function usedValues(graph: TraceGraph): Set<number> {
  const used = new Set<number>(graph.outputs);
  for (const node of graph.nodes) for (const v of node.inputs) used.add(v);
  return used;
}

/**
 * `to[j] = from[j]` for every leaf. A step may return one carry leaf in another's
 * place (a swap); then the sources are read before any destination is written.
 */
function moveCarry(from: readonly Tensor[], to: readonly Tensor[]): void {
  let crossed = false;
  for (let j = 0; j < from.length; j++) for (let k = 0; k < to.length; k++) if (k !== j && from[j] === to[k]) crossed = true;
  if (crossed) {
    const staged = from.map((f) => f.data.slice());
    for (let j = 0; j < to.length; j++) to[j].data.set(staged[j]);
    return;
  }
  for (let j = 0; j < from.length; j++) if (from[j] !== to[j]) to[j].data.set(from[j].data);
}

function fresh(shape: Shape, dtype: DType): Tensor {
  return new Tensor(shape, allocate(dtype, shape.reduce((n, d) => n * d, 1)));
}

function copyOf(t: Tensor): Tensor {
  return new Tensor(t.shape, t.data.slice());
}

/** One run of a compiled loop: its inputs, and what its backward needs (slabs of per-step values). */
class LoopRun {
  private readonly B: number;
  private readonly T: number;
  private slabs: Tensor[] = [];
  private invariants: Tensor[] = [];
  private order: number[] = [];

  constructor(
    private readonly loop: PlannedLoop,
    private readonly consts: readonly Tensor[],
    private readonly carry0: readonly Tensor[],
    private readonly xs: readonly Tensor[],
    private readonly reverse: boolean,
    private readonly keep: boolean,
  ) {
    this.B = xs[0].shape[0];
    this.T = xs[0].shape[1];
    this.order = Array.from({ length: this.T }, (_, i) => (reverse ? this.T - 1 - i : i));
  }

  forward(): LoopResult {
    const { fwd, forward, arity, stepPrimals, invariantPrimals } = this.loop;
    const { nc, nh, nx, ny, ne } = arity;
    const t = fwd.tensors;
    const inputs = forward.inputs;
    for (let i = 0; i < nc; i++) t[inputs[i]].data.set(this.consts[i].data);
    for (const ins of fwd.hoisted) ins();
    if (this.keep) this.invariants = invariantPrimals.map(({ value }) => copyOf(t[value]));
    for (let j = 0; j < nh; j++) t[inputs[nc + j]].data.set(this.carry0[j].data);
    const xBufs = Array.from({ length: nx }, (_, k) => t[inputs[nc + nh + k]]);
    const carryIn = Array.from({ length: nh }, (_, j) => t[inputs[nc + j]]);
    const carryOut = Array.from({ length: nh }, (_, j) => t[forward.outputs[j]]);
    const yOut = Array.from({ length: ny }, (_, k) => t[forward.outputs[nh + k]]);
    const ys = yOut.map((y) => fresh([this.B, this.T, ...y.shape.slice(1)], y.dtype));
    const T = this.T;
    if (this.keep) this.slabs = stepPrimals.map(({ value }) => fresh([T, ...t[value].shape], t[value].dtype));
    const slabSources = stepPrimals.map(({ value }) => t[value]);
    const exposedOut = Array.from({ length: ne }, (_, k) => t[forward.outputs[nh + ny + k]]);
    const exposedSlabs = exposedOut.map((e) => fresh([T, ...e.shape], e.dtype));
    const perStep = fwd.perStep;
    for (const s of this.order) {
      for (let k = 0; k < nx; k++) readStep(this.xs[k].data, T, s, xBufs[k].data, this.B, xBufs[k].size / this.B);
      for (let i = 0; i < perStep.length; i++) perStep[i]();
      if (this.keep) for (let p = 0; p < slabSources.length; p++) this.slabs[p].data.set(slabSources[p].data, s * slabSources[p].size);
      for (let k = 0; k < ny; k++) writeStep(yOut[k].data, ys[k].data, T, s, this.B, yOut[k].size / this.B);
      for (let k = 0; k < ne; k++) exposedSlabs[k].data.set(exposedOut[k].data, s * exposedOut[k].size);
      moveCarry(carryOut, carryIn);
    }
    const exposed = Array.from({ length: ne === 0 ? 0 : T }, (_, s) =>
      exposedOut.map((e, k) => new Tensor(e.shape, exposedSlabs[k].data.subarray(s * e.size, (s + 1) * e.size))),
    );
    return { carry: carryIn.map(copyOf), ys, exposed };
  }

  /** Cotangents of [consts, carry0, xs] from those of [final carry, ys]: the traced backward, run in reverse. */
  backward(cts: readonly Tensor[], ctx: OpContext<undefined>): (Tensor | null)[] {
    if (isRecording()) return eagerLoopVjp(this.loop.step, ctx.inputs, cts, this.loop.arity, this.reverse);
    const { bwd, backwardGraph, stepPrimals, invariantPrimals, arity } = this.loop;
    const { nc, nh, nx, ny, ne, xsGrad } = arity;
    const t = bwd.tensors;
    const inputs = backwardGraph.inputs;
    const outputs = backwardGraph.outputs;
    invariantPrimals.forEach(({ input }, p) => t[input].data.set(this.invariants[p].data));
    for (const ins of bwd.hoisted) ins();
    const ctCarryIn = Array.from({ length: nh }, (_, j) => t[inputs[j]]);
    const ctYIn = Array.from({ length: ny }, (_, k) => t[inputs[nh + k]]);
    for (let j = 0; j < nh; j++) ctCarryIn[j].data.set(cts[j].data);
    const ctYs = cts.slice(nh);
    const primalBufs = stepPrimals.map(({ input }) => t[input]);
    const gradConsts = this.consts.map((c) => fresh(c.shape, c.dtype));
    const deferredOut = new Set(this.loop.deferred.map((d) => d.output));
    // A const the step does not read gets a zero cotangent: a constant, never added.
    const isZero = (v: number): boolean => backwardGraph.values[v].constant?.data.every((x) => x === 0) ?? false;
    const perStepConsts = Array.from({ length: nc }, (_, i) => i).filter((i) => !deferredOut.has(i) && !isZero(outputs[i]));
    const constOut = perStepConsts.map((i) => t[outputs[i]]);
    const constGrad = perStepConsts.map((i) => gradConsts[i]);
    const T0 = this.T;
    const deferredSlabs = this.loop.deferred.map((d, k) =>
      d.operands.map((v, j) => {
        const p = this.loop.deferredSources[k][j];
        return p >= 0 ? this.slabs[p] : fresh([T0, ...t[v].shape], t[v].dtype);
      }),
    );
    const deferredCopies = this.loop.deferred.flatMap((d, k) => d.operands.map((v, j) => ({ from: t[v], to: deferredSlabs[k][j], own: this.loop.deferredSources[k][j] < 0 }))).filter((c) => c.own);
    const carryOut = Array.from({ length: nh }, (_, j) => t[outputs[nc + j]]);
    const xsWithGrad = xsGrad.map((g, k) => (g ? k : -1)).filter((k) => k >= 0);
    const xOut = xsWithGrad.map((_, m) => t[outputs[nc + nh + m]]);
    const gradXs = xsWithGrad.map((k) => fresh(this.xs[k].shape, this.xs[k].dtype));
    const T = this.T;
    // Exposed values: their direct cotangents come in per step; their totals go out.
    const ctExposedIn = Array.from({ length: ne }, (_, k) => t[inputs[nh + ny + k]]);
    const exposedOut = Array.from({ length: ne }, (_, k) => t[outputs[nc + nh + xsWithGrad.length + k]]);
    const totals: (Tensor | null)[] = [...new Array<null>(nh + ny).fill(null), ...new Array<Tensor>(ne * (ne === 0 ? 0 : T))];
    const perStep = bwd.perStep;
    for (let i = this.order.length - 1; i >= 0; i--) {
      const s = this.order[i];
      for (let k = 0; k < ny; k++) readStep(ctYs[k].data, T, s, ctYIn[k].data, this.B, ctYIn[k].size / this.B);
      for (let k = 0; k < ne; k++) ctExposedIn[k].data.set(cts[nh + ny + s * ne + k].data);
      for (let p = 0; p < primalBufs.length; p++) {
        const size = primalBufs[p].size;
        primalBufs[p].data.set(this.slabs[p].data.subarray(s * size, (s + 1) * size));
      }
      for (let k = 0; k < perStep.length; k++) perStep[k]();
      for (let c = 0; c < constOut.length; c++) addInto(constGrad[c].data, constOut[c].data);
      for (let c = 0; c < deferredCopies.length; c++) deferredCopies[c].to.data.set(deferredCopies[c].from.data, s * deferredCopies[c].from.size);
      for (let m = 0; m < xOut.length; m++) writeStep(xOut[m].data, gradXs[m].data, T, s, this.B, xOut[m].size / this.B);
      for (let k = 0; k < ne; k++) totals[nh + ny + s * ne + k] = copyOf(exposedOut[k]);
      moveCarry(carryOut, ctCarryIn);
    }
    this.loop.deferred.forEach((d, k) => {
      const slabs = deferredSlabs[k];
      const out = gradConsts[d.output];
      const rows = (slab: Tensor): Tensor => new Tensor([slab.size / slab.shape[slab.rank - 1], slab.shape[slab.rank - 1]], slab.data);
      if (d.kind === 'product') backend().matmulInto(rows(slabs[0]), rows(slabs[1]), true, false, out, false);
      else sumRows(rows(slabs[0]).data, slabs[0].shape[slabs[0].rank - 1], out.data);
    });
    const gradX = new Array<Tensor | null>(nx).fill(null);
    xsWithGrad.forEach((k, m) => (gradX[k] = gradXs[m]));
    const grads = [...gradConsts, ...ctCarryIn.map(copyOf), ...gradX];
    return ne === 0 ? grads : [...grads, ...totals];
  }
}
