import { isRecording } from '../autograd/tape.js';
import { backend } from '../backend/current.js';
import type { OpContext } from '../ops/op.js';
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { copyRun } from './block-copy.js';
import { bindLoop, carryMoves, slabLoad, slabStore, stepRead, stepWrite } from './bound-loop.js';
import { eagerLoopVjp } from './eager-loop.js';
import { addInto, readStep, writeStep } from './loop-io.js';
import type { LoopResult, PlannedLoop } from './loop.js';
import type { RunBuffers } from './slab-pool.js';
import type { BoundSteps } from '../backend/step-commands.js';

function fresh(shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  return new Tensor(shape, allocate(dtype, shape.reduce((n, d) => n * d, 1)));
}

function copyOf(t: Tensor): Tensor {
  return new Tensor(t.shape, t.data.slice());
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

/** `[B, T, …]` per-step rows of `seq` → the `[T·…/w, w]` matrix view the deferred sums read. */
function rows(slab: Tensor): Tensor {
  const width = slab.shape[slab.rank - 1];
  return new Tensor([slab.size / width, width], slab.data);
}

/**
 * One run of a compiled loop: its inputs, and — when a tape records it — the buffers
 * its backward reads (every step's stored values, see {@link RunBuffers}).
 */
export class LoopRun {
  private readonly B: number;
  private readonly T: number;

  constructor(
    private readonly loop: PlannedLoop,
    private readonly consts: readonly Tensor[],
    private readonly carry0: readonly Tensor[],
    private readonly xs: readonly Tensor[],
    private readonly reverse: boolean,
    /** Present when the run is recorded: it then stores what its backward reads. */
    private readonly buffers: RunBuffers | undefined,
  ) {
    this.B = xs[0].shape[0];
    this.T = xs[0].shape[1];
  }

  /** Step `i` of the run in execution order: its time index. */
  private at(i: number): number {
    return this.reverse ? this.T - 1 - i : i;
  }

  /** Runs every step forward, storing what the backward reads when the run is recorded. */
  forward(): LoopResult {
    const { fwd, forward, arity, stepPrimals, invariantPrimals } = this.loop;
    const { nc, nh, nx, ny, ne } = arity;
    const { B, T, buffers } = this;
    const t = fwd.tensors;
    const inputs = forward.inputs;
    for (let i = 0; i < nc; i++) t[inputs[i]].data.set(this.consts[i].data);
    for (const ins of fwd.hoisted) ins();
    if (buffers !== undefined) invariantPrimals.forEach(({ value }, p) => buffers.invariants[p].data.set(t[value].data));
    for (let j = 0; j < nh; j++) t[inputs[nc + j]].data.set(this.carry0[j].data);
    const xBufs = Array.from({ length: nx }, (_, k) => t[inputs[nc + nh + k]]);
    const carryIn = Array.from({ length: nh }, (_, j) => t[inputs[nc + j]]);
    const carryOut = Array.from({ length: nh }, (_, j) => t[forward.outputs[j]]);
    const yOut = Array.from({ length: ny }, (_, k) => t[forward.outputs[nh + k]]);
    const ys = yOut.map((y) => fresh([B, T, ...y.shape.slice(1)], y.dtype));
    const slabs = buffers?.stored ?? [];
    const slabSources = buffers === undefined ? [] : stepPrimals.map(({ value }) => t[value]);
    const exposedOut = Array.from({ length: ne }, (_, k) => t[forward.outputs[nh + ny + k]]);
    const exposedSlabs = exposedOut.map((e) => fresh([T, ...e.shape], e.dtype));
    // Every step's reads, kernel calls and writes as one bound loop when the backend binds steps.
    const moves = carryMoves(carryOut, carryIn);
    const stores = [
      ...slabSources.map((v, p) => slabStore(v.data, slabs[p].data)),
      ...yOut.map((y, k) => stepWrite(y.data, ys[k].data, T, B)),
      ...exposedOut.map((e, k) => slabStore(e.data, exposedSlabs[k].data)),
    ];
    const whole = bindLoop(T, xBufs.map((x, k) => stepRead(this.xs[k].data, T, x.data, B)), fwd.commands, moves && [...stores, ...moves]);
    if (whole !== undefined) {
      whole(this.at(0), T, this.reverse ? -1 : 1);
      whole.release?.();
    }
    const perStep = fwd.perStep;
    for (let i = 0; i < (whole === undefined ? T : 0); i++) {
      const s = this.at(i);
      for (let k = 0; k < nx; k++) readStep(this.xs[k].data, T, s, xBufs[k].data, B, xBufs[k].size / B);
      for (let k = 0; k < perStep.length; k++) perStep[k]();
      for (let p = 0; p < slabSources.length; p++) slabs[p].data.set(slabSources[p].data, s * slabSources[p].size);
      for (let k = 0; k < ny; k++) writeStep(yOut[k].data, ys[k].data, T, s, B, yOut[k].size / B);
      for (let k = 0; k < ne; k++) exposedSlabs[k].data.set(exposedOut[k].data, s * exposedOut[k].size);
      moveCarry(carryOut, carryIn);
    }
    // The exposed states are views of one slab per value: T tensors, one allocation.
    const exposed = Array.from({ length: ne === 0 ? 0 : T }, (_, s) =>
      exposedOut.map((e, k) => new Tensor(e.shape, exposedSlabs[k].data.subarray(s * e.size, (s + 1) * e.size))),
    );
    return { carry: carryIn.map(copyOf), ys, exposed };
  }

  /** Cotangents of [consts, carry0, xs] from those of [final carry, ys]: the traced backward, run in reverse. */
  backward(cts: readonly Tensor[], ctx: OpContext<undefined>): (Tensor | null)[] {
    if (isRecording()) return eagerLoopVjp(this.loop.step, ctx.inputs, cts, this.loop.arity, this.reverse);
    const buffers = this.buffers as RunBuffers;
    const { bwd, backwardGraph, stepPrimals, invariantPrimals, arity, deferred, deferredSources, perStepConsts, xsWithGrad } = this.loop;
    const { nc, nh, nx, ny, ne } = arity;
    const { B, T } = this;
    const t = bwd.tensors;
    const inputs = backwardGraph.inputs;
    const outputs = backwardGraph.outputs;
    invariantPrimals.forEach(({ input }, p) => t[input].data.set(buffers.invariants[p].data));
    for (const ins of bwd.hoisted) ins();
    const ctCarryIn = Array.from({ length: nh }, (_, j) => t[inputs[j]]);
    const ctYIn = Array.from({ length: ny }, (_, k) => t[inputs[nh + k]]);
    for (let j = 0; j < nh; j++) ctCarryIn[j].data.set(cts[j].data);
    const ctYs = cts.slice(nh);
    const primalBufs = stepPrimals.map(({ input }) => t[input]);
    const slabs = buffers.stored;
    const gradConsts = this.consts.map((c) => fresh(c.shape, c.dtype));
    const constOut = perStepConsts.map((i) => t[outputs[i]]);
    const constGrad = perStepConsts.map((i) => gradConsts[i]);
    const deferredSlabs = deferred.map((d, k) => d.operands.map((_, j) => {
      const source = deferredSources[k][j];
      return source >= 0 ? slabs[source] : buffers.backwardStored[-1 - source];
    }));
    const deferredCopies = this.loop.backwardStored.map((v, q) => ({ from: t[v], to: buffers.backwardStored[q] }));
    const carryOut = Array.from({ length: nh }, (_, j) => t[outputs[nc + j]]);
    const xOut = xsWithGrad.map((_, m) => t[outputs[nc + nh + m]]);
    const gradXs = xsWithGrad.map((k) => fresh(this.xs[k].shape, this.xs[k].dtype));
    // Exposed values: their direct cotangents come in per step; their totals go out.
    const ctExposedIn = Array.from({ length: ne }, (_, k) => t[inputs[nh + ny + k]]);
    const exposedOut = Array.from({ length: ne }, (_, k) => t[outputs[nc + nh + xsWithGrad.length + k]]);
    const totals: (Tensor | null)[] = [...new Array<null>(nh + ny).fill(null), ...new Array<Tensor>(ne * (ne === 0 ? 0 : T))];
    // The totals are views of one slab per exposed value: T tensors, one allocation.
    const totalSlabs = exposedOut.map((e) => fresh([T, ...e.shape], e.dtype));
    const whole = this.bindBackward(ctYs, ctYIn, ctExposedIn, cts, primalBufs, deferredCopies, xOut, gradXs, exposedOut, totalSlabs, carryOut, ctCarryIn);
    if (whole !== undefined) {
      whole(this.at(T - 1), T, this.reverse ? 1 : -1);
      whole.release?.();
    }
    const perStep = bwd.perStep;
    for (let i = whole === undefined ? T - 1 : -1; i >= 0; i--) {
      const s = this.at(i);
      for (let k = 0; k < ny; k++) readStep(ctYs[k].data, T, s, ctYIn[k].data, B, ctYIn[k].size / B);
      for (let k = 0; k < ne; k++) ctExposedIn[k].data.set(cts[nh + ny + s * ne + k].data);
      for (let p = 0; p < primalBufs.length; p++) copyRun(slabs[p].data, s * primalBufs[p].size, primalBufs[p].data, 0, primalBufs[p].size);
      for (let k = 0; k < perStep.length; k++) perStep[k]();
      for (let c = 0; c < constOut.length; c++) addInto(constGrad[c].data, constOut[c].data);
      for (let c = 0; c < deferredCopies.length; c++) deferredCopies[c].to.data.set(deferredCopies[c].from.data, s * deferredCopies[c].from.size);
      for (let m = 0; m < xOut.length; m++) writeStep(xOut[m].data, gradXs[m].data, T, s, B, xOut[m].size / B);
      for (let k = 0; k < ne; k++) totalSlabs[k].data.set(exposedOut[k].data, s * exposedOut[k].size);
      moveCarry(carryOut, ctCarryIn);
    }
    for (let s = 0; s < (ne === 0 ? 0 : T); s++) {
      exposedOut.forEach((e, k) => (totals[nh + ny + s * ne + k] = new Tensor(e.shape, totalSlabs[k].data.subarray(s * e.size, (s + 1) * e.size))));
    }
    deferred.forEach((d, k) => {
      const [first, ...same] = d.outputs;
      const out = gradConsts[first];
      const [a, b] = deferredSlabs[k];
      if (d.kind === 'product') backend().matmulInto(rows(a), rows(b), true, false, out, false);
      else {
        // Σ over rows as the product 1ᵀ · rows: one kernel call on backends with native products.
        const m = rows(a);
        backend().matmulInto(this.loop.onesRow(m.shape[0], m.dtype), m, false, false, new Tensor([1, out.size], out.data), false);
      }
      for (const c of same) gradConsts[c].data.set(out.data);
    });
    const gradX = new Array<Tensor | null>(nx).fill(null);
    xsWithGrad.forEach((k, m) => (gradX[k] = gradXs[m]));
    const grads = [...gradConsts, ...ctCarryIn.map(copyOf), ...gradX];
    return ne === 0 ? grads : [...grads, ...totals];
  }

  /**
   * The reverse sweep as one bound loop (see {@link bindLoop}), or undefined. A const
   * gradient added up step by step has no command form: that sweep runs step by step.
   */
  private bindBackward(
    ctYs: readonly Tensor[], ctYIn: readonly Tensor[], ctExposedIn: readonly Tensor[], cts: readonly Tensor[], primalBufs: readonly Tensor[],
    deferredCopies: readonly { from: Tensor; to: Tensor }[], xOut: readonly Tensor[], gradXs: readonly Tensor[],
    exposedOut: readonly Tensor[], totalSlabs: readonly Tensor[], carryOut: readonly Tensor[], ctCarryIn: readonly Tensor[],
  ): BoundSteps | undefined {
    const { loop, B, T } = this;
    const { nh, ny, ne } = loop.arity;
    const moves = carryMoves(carryOut, ctCarryIn);
    if (loop.perStepConsts.length > 0 || moves === undefined || backend().bindSteps === undefined || loop.bwd.commands === undefined) return undefined;
    // Cotangents of another size than the outputs' (none the tape makes) take the step-by-step path.
    if (ctYIn.some((c, k) => ctYs[k].size !== T * c.size)) return undefined;
    if (ctExposedIn.some((c, k) => Array.from({ length: T }, (_, s) => cts[nh + ny + s * ne + k]).some((x) => x.size !== c.size))) return undefined;
    // The exposed values' direct cotangents arrive as T tensors: staged into one slab each.
    const staged = ctExposedIn.map((c, k) => {
      const slab = fresh([T, ...c.shape], c.dtype);
      for (let s = 0; s < T; s++) slab.data.set(cts[nh + ny + s * ne + k].data, s * c.size);
      return slab;
    });
    const slabs = this.buffers?.stored ?? [];
    const before = [
      ...ctYIn.map((c, k) => stepRead(ctYs[k].data, T, c.data, B)),
      ...ctExposedIn.map((c, k) => slabLoad(staged[k].data, c.data)),
      ...primalBufs.map((p, q) => slabLoad(slabs[q].data, p.data)),
    ];
    const after = [
      ...deferredCopies.map(({ from, to }) => slabStore(from.data, to.data)),
      ...xOut.map((x, m) => stepWrite(x.data, gradXs[m].data, T, B)),
      ...exposedOut.map((e, k) => slabStore(e.data, totalSlabs[k].data)),
      ...moves,
    ];
    return bindLoop(T, before, loop.bwd.commands, after);
  }
}
