import { ShapeError, Tensor, flatten, formatShape } from '@tapestry/core';
import type { Cell } from './cell.js';

// Checks of what a cell's step gives back, shared by the op-by-op and compiled scans.

/** The step's new carry must have the old carry's structure and shapes, its output `[B, outputSize]`. */
export function checkStepResult<C>(cell: Cell<unknown, C>, next: C, y: Tensor, carry0: C, batch: number): void {
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
export function checkCarry<C>(cell: Cell<unknown, C>, carry: C, expected: C): void {
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

