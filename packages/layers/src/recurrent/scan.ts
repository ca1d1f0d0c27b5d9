import { ShapeError, Tensor, allocate, flatten, formatShape, fromStorage, mapTree, stack, unstack, where } from '@tapestry/core';
import type { Cell } from './cell.js';
import { tryCompiledScan, type ScanPath } from './compiled-scan.js';
import { checkCarry, checkStepResult } from './step-checks.js';

/** Options of {@link scan}. */
export interface ScanOptions<C> {
  /** Initial carry; defaults to `cell.initCarry(B)` in the input's dtype. */
  carry?: C;
  /** Run from the last valid step down to step 0. */
  reverse?: boolean;
  /**
   * Valid length of each sequence (int32 `[B]` tensor or numbers). Steps `t >= lengths[b]`
   * are padding: they leave the carry unchanged, output zeros, and their inputs get
   * an exactly-zero gradient. The reverse direction starts at each sequence's last
   * valid step.
   */
  lengths?: Tensor | readonly number[];
  /** Keep every step's new carry (before masking) in `states`, e.g. to take ∂L/∂h_t from a recording. */
  keepStates?: boolean;
  /**
   * Compile the step: trace it once per cell and shapes, then run all steps forward and
   * backward as one planned program. `'auto'` (the default) and `true` compile whenever
   * the step can be traced — every cell, the built-in LSTM and GRU included (their fused
   * gate ops are traced as their composed form; compiled, they were faster than the
   * fused kernels run op by op on every backend); `false` runs the step op by op. The
   * results are the same either way; {@link ScanResult.path} says which path ran and
   * why. The environment variable `TAPESTRY_SCAN_COMPILE` (`1`/`true`, `0`/`false` or
   * `auto`) changes the default.
   */
  compile?: boolean | 'auto';
  /**
   * Print which path ran and why (`console.info`). Setting the environment variable
   * `TAPESTRY_EXPLAIN_SCAN=1` does the same for every scan.
   */
  explain?: boolean;
}

/** The result of {@link scan}. */
export interface ScanResult<C> {
  /** Outputs of every step, `[B, T, outputSize]`, in time order (also when `reverse`). */
  outputs: Tensor;
  /** The carry after the last processed step of each sequence. */
  carry: C;
  /** With `keepStates`: the cell's new carry at each time index t (time order). */
  states: C[];
  /** Whether the step ran compiled or op by op, and why. */
  path: ScanPath;
}

/**
 * Unrolls `cell` over the time axis of `xs` `[B, T, F]`: the one loop over time in
 * Tapestry. Works for any cell, built-in or user-written; gradients come from the
 * tape with no extra code.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { lstmCell, scan } from '@tapestry/layers';
 * const cell = lstmCell({ hiddenSize: 16 });
 * const rng = new Rng(0);
 * const params = cell.init(rng, 3);
 * const xs = rng.normal([4, 10, 3]);
 * const { outputs, carry } = scan(cell, params, xs, { lengths: [10, 7, 3, 9] });
 * outputs.shape; // [4, 10, 16]
 * ```
 */
export function scan<P, C>(cell: Cell<P, C>, params: P, xs: Tensor, options: ScanOptions<C> = {}): ScanResult<C> {
  try {
    return unroll(cell, params, xs, options);
  } catch (e) {
    // A shape error from inside the cell (e.g. `matmul: inner dimensions differ …` for an
    // input of the wrong width) is re-raised with the layer's name in front.
    if (e instanceof ShapeError && !e.message.startsWith('scan(')) throw new ShapeError(`scan(${cell.name}): ${e.message}`);
    throw e;
  }
}

function unroll<P, C>(cell: Cell<P, C>, params: P, xs: Tensor, options: ScanOptions<C>): ScanResult<C> {
  if (xs.rank !== 3) throw new ShapeError(`scan(${cell.name}): input must be [B, T, F], got ${formatShape(xs.shape)}`);
  const [B, T] = xs.shape;
  const carry0 = options.carry ?? cell.initCarry(B, xs.dtype);
  if (options.carry !== undefined) checkCarry(cell, options.carry, cell.initCarry(B, xs.dtype));
  const lengths = options.lengths === undefined ? undefined : validLengths(cell.name, options.lengths, B, T);
  // No steps: the cell is never called; the carry is the initial one and the output empty.
  if (T === 0) return { outputs: fromStorage([B, 0, cell.outputSize], allocate(xs.dtype, 0)), carry: carry0, states: [], path: { compiled: false, reason: 'no time steps' } };
  // Padding is ignored whatever it holds: zeroed before the cell sees it, so no NaN or
  // ±Inf in a padded step reaches a product or a backward rule (where 0 · NaN = NaN).
  const mask = lengths === undefined ? undefined : sequenceMask(lengths, B, T, xs.dtype);
  const input = mask === undefined ? xs : where(mask, xs, 0);
  let projected: Tensor | undefined;
  const project = (): Tensor => (projected ??= cell.project ? cell.project(params, input) : input);
  const reverse = options.reverse ?? false;
  const compile = options.compile ?? compileFromEnvironment();
  let path: ScanPath = { compiled: false, reason: options.compile === false ? 'compile: false was passed' : 'TAPESTRY_SCAN_COMPILE turns compiling off' };
  if (compile !== false) {
    const keepStates = options.keepStates === true;
    // A stepwise projection runs inside the compiled step: no [B, T, G] tensors at all.
    const inStep = cell.project !== undefined && cell.projectsStepwise === true && B >= STEPWISE_MIN_BATCH;
    const done = tryCompiledScan(cell, { params, inputs: inStep ? input : project(), projectInStep: inStep, carry: carry0, mask, reverse, keepStates });
    if ('outputs' in done) return explained(cell, { outputs: done.outputs, carry: done.carry, states: done.states, path: done.path }, options);
    path = done;
  }
  const masks = lengths === undefined ? undefined : stepMasks(lengths, B, T, xs.dtype);
  const result = stepByStep(cell, params, project(), carry0, masks, reverse);
  return explained(cell, { outputs: result.outputs, carry: result.carry, states: options.keepStates ? result.states : [], path }, options);
}

/**
 * From this batch size on, a compiled scan runs a stepwise `project` inside the step.
 * Measured on the native backend (hidden 16–128, forward + backward): at B = 1 the extra
 * product per step cost 0.5–1.7 µs per step more than projecting the whole sequence; at
 * B = 8 (T = 512) and B = 90 (T = 10) projecting in the step was as fast or 10–50 % faster,
 * having no `[B, T, G]` buffers to allocate, fill and differentiate.
 */
const STEPWISE_MIN_BATCH = 8;

/** The scan one step at a time, every op on the tape. */
function stepByStep<P, C>(cell: Cell<P, C>, params: P, projected: Tensor, carry0: C, masks: Tensor[] | undefined, reverse: boolean): { outputs: Tensor; carry: C; states: C[] } {
  const B = projected.shape[0];
  const T = projected.shape[1];
  // One split op for all steps: its backward is one concat, O(T) instead of O(T²).
  const inputs = unstack(projected, 1);
  const order = Array.from({ length: T }, (_, i) => (reverse ? T - 1 - i : i));
  const outputs = new Array<Tensor>(T);
  const states: C[] = [];
  let carry = carry0;
  for (const t of order) {
    const [next, y] = cell.step(params, carry, inputs[t]);
    // Checked once: a cell whose step changes the carry's structure fails here, by name.
    if (t === order[0]) checkStepResult(cell, next, y, carry0, B);
    states[t] = next;
    if (masks === undefined) {
      carry = next;
      outputs[t] = y;
    } else {
      const m = masks[t];
      carry = keepWhereMasked(m, next, carry);
      outputs[t] = where(m, y, 0);
    }
  }
  return { outputs: stack(outputs, 1), carry, states };
}

/** Tells which path ran when asked (the `explain` option or TAPESTRY_EXPLAIN_SCAN=1). */
function explained<C>(cell: Cell<unknown, C>, result: ScanResult<C>, options: ScanOptions<C>): ScanResult<C> {
  if (options.explain || environment('TAPESTRY_EXPLAIN_SCAN') === '1') {
    console.info(`scan(${cell.name}): ${result.path.compiled ? 'compiled' : 'interpreted'} — ${result.path.reason}`);
  }
  return result;
}

/** The default of {@link ScanOptions.compile}: `TAPESTRY_SCAN_COMPILE` when set, else `'auto'`. */
function compileFromEnvironment(): boolean | 'auto' {
  const value = environment('TAPESTRY_SCAN_COMPILE');
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new Error(`TAPESTRY_SCAN_COMPILE must be 1, true, 0, false or auto, got '${value}'`);
}

/** An environment variable where there is one (Node), else `undefined` (browsers). */
function environment(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}

/** Padding steps keep the old carry: `mask ? next : old`, leaf by leaf. */
function keepWhereMasked<C>(mask: Tensor, next: C, old: C): C {
  if (next instanceof Tensor && old instanceof Tensor) return where(mask, next, old) as C;
  // The structures match (checkStepResult compared them at the first step); pair the
  // leaves by path, so a cell may build its carry's keys in any order.
  const olds = new Map(flatten(old).map(({ path, leaf }) => [path, leaf]));
  return mapTree(next, (n, path) => where(mask, n, olds.get(path) as Tensor)) as C;
}

/** Validates the lengths: one integer in [1, T] per sequence. */
function validLengths(name: string, lengths: Tensor | readonly number[], B: number, T: number): number[] {
  const list = lengths instanceof Tensor ? Array.from(lengths.data) : [...lengths];
  if (list.length !== B) throw new ShapeError(`scan(${name}): ${list.length} lengths for a batch of ${B}`);
  list.forEach((n, b) => {
    if (!Number.isInteger(n) || n < 1 || n > T) throw new ShapeError(`scan(${name}): lengths[${b}] = ${n} is outside [1, ${T}]`);
  });
  return list;
}

/** The `[B, T, 1]` mask: 1 while t < lengths[b]. */
function sequenceMask(lengths: readonly number[], B: number, T: number, dtype: Tensor['dtype']): Tensor {
  const m = allocate(dtype, B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < lengths[b]; t++) m[b * T + t] = 1;
  return fromStorage([B, T, 1], m);
}

/** One [B, 1] mask per time step: 1 while t < lengths[b]. */
function stepMasks(lengths: readonly number[], B: number, T: number, dtype: Tensor['dtype']): Tensor[] {
  return Array.from({ length: T }, (_, t) => {
    const m = allocate(dtype, B);
    for (let b = 0; b < B; b++) m[b] = t < lengths[b] ? 1 : 0;
    return fromStorage([B, 1], m);
  });
}
