import {
  TraceError, backend, compileBlocker, compileLoop, flatten, leaves, mapTree, reshape, where,
  type CompiledLoop, type LoopStep, type Tensor,
} from '@tapestry/core';
import type { Cell } from './cell.js';
import { checkStepResult } from './step-checks.js';

/** Which path a {@link scan} took, and why. */
export interface ScanPath {
  /** True when the step ran as a compiled program (traced once, planned, run over all steps). */
  readonly compiled: boolean;
  /** Why: what a compiled step runs per step, or why it fell back to running op by op. */
  readonly reason: string;
}

// Plans per cell and signature: a cell value is traced once per (shapes, dtype, backend).
// A failed trace is remembered as its reason, so a cell that cannot compile is not
// traced again at every call.
const plans = new WeakMap<object, Map<string, CompiledLoop | string>>();

/** What one compiled scan needs beyond the cell. */
export interface CompiledScanInputs<P, C> {
  params: P;
  /** What `step` receives for all steps, `[B, T, G]` (the projected input) — or, with `projectInStep`, the input `project` maps. */
  inputs: Tensor;
  /** Run the cell's (stepwise) `project` inside the step on each `[B, 1, F]` slice. */
  projectInStep: boolean;
  carry: C;
  /** `[B, T, 1]` step masks (1 while valid), when the batch has lengths. */
  mask?: Tensor;
  reverse: boolean;
  /** Return every step's new carry (before masking) as tensors of their own, differentiable as ∂L/∂h_t. */
  keepStates: boolean;
}

/**
 * Runs a scan as one compiled loop, or returns the reason it cannot. The traced step
 * is the cell's step followed by the length masks (`where(m, next, carry)`,
 * `where(m, y, 0)`), so the masks' backward comes out of the same derivation.
 */
export function tryCompiledScan<P, C>(cell: Cell<P, C>, run: CompiledScanInputs<P, C>): { outputs: Tensor; carry: C; states: C[]; path: ScanPath } | ScanPath {
  const blocker = compileBlocker();
  if (blocker !== undefined) return { compiled: false, reason: blocker };
  const loop = planFor(cell, run);
  if (typeof loop === 'string') return { compiled: false, reason: loop };
  const xs = run.mask === undefined ? [run.inputs] : [run.inputs, run.mask];
  const out = loop.run(leaves(run.params), leaves(run.carry), xs, run.reverse);
  const rebuild = (flat: Tensor[]): C => {
    let k = 0;
    return mapTree(run.carry, () => flat[k++]) as C;
  };
  return { outputs: out.ys[0], carry: rebuild(out.carry), states: out.exposed.map(rebuild), path: { compiled: true, reason: reasonFor(loop) } };
}

/** What a compiled step runs, and which fused ops it traced as their composed form. */
function reasonFor(loop: CompiledLoop): string {
  if (loop.decomposed.length === 0) return loop.summary;
  return `${loop.summary}; fused op(s) ${loop.decomposed.join(', ')} traced as their composition`;
}

/** The cell's stepwise `project` applied to one step's input `[B, F]`: `[B, G]`. */
function projectStep<P, C>(cell: Cell<P, C>, params: P, x: Tensor): Tensor {
  const [B, F] = x.shape;
  const projected = (cell.project as NonNullable<Cell<P, C>['project']>)(params, reshape(x, [B, 1, F]));
  return reshape(projected, [B, projected.shape[2]]);
}

function planFor<P, C>(cell: Cell<P, C>, run: CompiledScanInputs<P, C>): CompiledLoop | string {
  const { params, carry, inputs, mask, keepStates, projectInStep } = run;
  const [B, , G] = inputs.shape;
  const described = (tree: unknown): string => flatten(tree).map(({ path, leaf }) => `${path}:${leaf.dtype}[${leaf.shape.join(',')}]`).join(';');
  const key = `${backend().name}|${keepStates}|${projectInStep}|${described(params)}|${described(carry)}|${inputs.dtype}[${B},${G}]|${mask === undefined ? '' : 'mask'}`;
  let byKey = plans.get(cell);
  if (byKey === undefined) plans.set(cell, (byKey = new Map()));
  const known = byKey.get(key);
  if (known !== undefined) return known;
  const paramLeaves = leaves(params);
  const carryLeaves = leaves(carry);
  const spec = (t: Tensor): { shape: readonly number[]; dtype: Tensor['dtype'] } => ({ shape: t.shape, dtype: t.dtype });
  const step: LoopStep = (consts, carryIn, xs) => {
    let p = 0;
    let c = 0;
    const ps = mapTree(params, () => consts[p++]) as P;
    const cs = mapTree(carry, () => carryIn[c++]) as C;
    const [next, y] = cell.step(ps, cs, projectInStep ? projectStep(cell, ps, xs[0]) : xs[0]);
    checkStepResult(cell, next, y, cs, B);
    const byPath = new Map(flatten(next).map(({ path, leaf }) => [path, leaf]));
    const nextLeaves = flatten(carry).map(({ path }) => byPath.get(path) as Tensor);
    const exposed = keepStates ? nextLeaves : [];
    if (xs.length === 1) return { carry: nextLeaves, ys: [y], exposed };
    const m = xs[1];
    return { carry: nextLeaves.map((n, j) => where(m, n, carryIn[j])), ys: [where(m, y, 0)], exposed };
  };
  let result: CompiledLoop | string;
  try {
    result = compileLoop(step, {
      consts: paramLeaves.map(spec),
      carry: carryLeaves.map(spec),
      xs: mask === undefined ? [{ shape: [B, G], dtype: inputs.dtype }] : [{ shape: [B, G], dtype: inputs.dtype }, { shape: [B, 1], dtype: mask.dtype }],
      xsDifferentiable: mask === undefined ? [true] : [true, false],
    });
  } catch (e) {
    // Only what a trace cannot see falls back for good; any other error (a shape error
    // in the cell) is raised again by the op-by-op path, with its usual message.
    if (!(e instanceof TraceError)) return `tracing failed: ${(e as Error).message}`;
    result = `the step cannot be traced: ${e.message}`;
  }
  byKey.set(key, result);
  return result;
}
