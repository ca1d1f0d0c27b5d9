import { cellStep, type Cell } from '@tapestry/layers';

/**
 * The same cell without its time-parallel `project`: each step projects its own input.
 *
 * Why: `scan` slices step t out of the projected inputs `[B, T, G]`, and the backward
 * rule of that slice pads the step's gradient back to the full `[B, T, G]` and adds it
 * up — O(T) work per step, O(T²) per sequence. On raw inputs (data, not recorded by the
 * tape) the per-step slice costs nothing in the backward pass, so for long sequences
 * such as the adding problem at T = 200 this is 2–5× faster end to end. Results are the
 * same up to float rounding; see the examples README ("library notes").
 */
export function projectPerStep<P, C>(cell: Cell<P, C>): Cell<P, C> {
  if (cell.project === undefined) return cell;
  return {
    name: cell.name,
    outputSize: cell.outputSize,
    init: (rng, inputSize, dtype) => cell.init(rng, inputSize, dtype),
    initCarry: (batch, dtype) => cell.initCarry(batch, dtype),
    step: (params, carry, x) => cellStep(cell, params, carry, x),
  };
}
