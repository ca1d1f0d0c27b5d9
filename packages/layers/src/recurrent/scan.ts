import { ShapeError, Tensor, allocate, flatten, formatShape, fromStorage, mapTree, stack, unstack, where } from '@tapestry/core';
import type { Cell } from './cell.js';

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
}

/** The result of {@link scan}. */
export interface ScanResult<C> {
  /** Outputs of every step, `[B, T, outputSize]`, in time order (also when `reverse`). */
  outputs: Tensor;
  /** The carry after the last processed step of each sequence. */
  carry: C;
  /** With `keepStates`: the cell's new carry at each time index t (time order). */
  states: C[];
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
  const masks = options.lengths === undefined ? undefined : stepMasks(cell.name, options.lengths, B, T, xs.dtype);
  // No steps: the cell is never called; the carry is the initial one and the output empty.
  if (T === 0) return { outputs: fromStorage([B, 0, cell.outputSize], allocate(xs.dtype, 0)), carry: carry0, states: [] };
  // One split op for all steps: its backward is one concat, O(T) instead of O(T²).
  const inputs = unstack(cell.project ? cell.project(params, xs) : xs, 1);
  const order = Array.from({ length: T }, (_, i) => (options.reverse ? T - 1 - i : i));
  const outputs = new Array<Tensor>(T);
  const states: C[] = [];
  let carry = carry0;
  for (const t of order) {
    const [next, y] = cell.step(params, carry, inputs[t]);
    // Checked once: a cell whose step changes the carry's structure fails here, by name.
    if (t === order[0]) checkStepResult(cell, next, y, carry0, B);
    if (options.keepStates) states[t] = next;
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

/** Padding steps keep the old carry: `mask ? next : old`, leaf by leaf. */
function keepWhereMasked<C>(mask: Tensor, next: C, old: C): C {
  if (next instanceof Tensor && old instanceof Tensor) return where(mask, next, old) as C;
  // The structures match (checkStepResult compared them at the first step); pair the
  // leaves by path, so a cell may build its carry's keys in any order.
  const olds = new Map(flatten(old).map(({ path, leaf }) => [path, leaf]));
  return mapTree(next, (n, path) => where(mask, n, olds.get(path) as Tensor)) as C;
}

function checkStepResult<C>(cell: Cell<unknown, C>, next: C, y: Tensor, carry0: C, batch: number): void {
  try {
    checkCarry(cell, next, carry0);
  } catch (e) {
    throw new ShapeError(`scan(${cell.name}): step returned a carry unlike the one it was given — ${(e as Error).message.replace(/^scan\([^)]*\): /, '')}`);
  }
  if (!(y instanceof Tensor) || y.rank !== 2 || y.shape[0] !== batch || y.shape[1] !== cell.outputSize) {
    const shape = y instanceof Tensor ? formatShape(y.shape) : typeof y;
    throw new ShapeError(`scan(${cell.name}): step returned an output of shape ${shape}, expected [${batch},${cell.outputSize}]`);
  }
}

/** A given initial carry must have the structure and shapes of the cell's own zero carry. */
function checkCarry<C>(cell: Cell<unknown, C>, carry: C, expected: C): void {
  const got = new Map(flatten(carry).map(({ path, leaf }) => [path, leaf]));
  const want = flatten(expected);
  const name = (path: string): string => (path === '' ? 'carry' : `carry '${path}'`);
  if (got.size !== want.length || want.some(({ path }) => !got.has(path))) {
    throw new ShapeError(`scan(${cell.name}): the carry has entries [${[...got.keys()].join(', ')}], expected [${want.map((w) => w.path).join(', ')}]`);
  }
  for (const { path, leaf } of want) {
    const t = got.get(path) as Tensor;
    if (formatShape(t.shape) !== formatShape(leaf.shape)) {
      throw new ShapeError(`scan(${cell.name}): ${name(path)} has shape ${formatShape(t.shape)}, expected ${formatShape(leaf.shape)}`);
    }
  }
}

/** One [B, 1] mask per time step: 1 while t < lengths[b]. Validates the lengths. */
function stepMasks(name: string, lengths: Tensor | readonly number[], B: number, T: number, dtype: Tensor['dtype']): Tensor[] {
  const list = lengths instanceof Tensor ? Array.from(lengths.data) : [...lengths];
  if (list.length !== B) throw new ShapeError(`scan(${name}): ${list.length} lengths for a batch of ${B}`);
  list.forEach((n, b) => {
    if (!Number.isInteger(n) || n < 1 || n > T) throw new ShapeError(`scan(${name}): lengths[${b}] = ${n} is outside [1, ${T}]`);
  });
  return Array.from({ length: T }, (_, t) => {
    const m = allocate(dtype, B);
    for (let b = 0; b < B; b++) m[b] = t < list[b] ? 1 : 0;
    return fromStorage([B, 1], m);
  });
}
