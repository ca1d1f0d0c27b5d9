import fc from 'fast-check';
import { Rng, add, leaves, mapTree, mul, sum, type Tensor } from '@tapestry/core';
import { checkGradients, propertyRuns, type CheckGradientsOptions } from '@tapestry/core/testing';
import type { Cell } from '../recurrent/cell.js';
import { bidirectional, recurrent, stackLayers } from '../recurrent/combinators.js';
import type { SequenceLayer } from '../recurrent/sequence-layer.js';

/** One random configuration a cell is checked under. */
export interface CellCase {
  batch: number;
  steps: number;
  inputSize: number;
  /** Valid lengths (1..steps) per sequence, or undefined for full sequences. */
  lengths: number[] | undefined;
  seed: number;
}

/** Small random shapes, lengths and seeds for gradient checks through `scan`. */
export function cellCaseArb(limits: { maxBatch?: number; maxSteps?: number; maxInput?: number } = {}): fc.Arbitrary<CellCase> {
  const { maxBatch = 3, maxSteps = 4, maxInput = 3 } = limits;
  return fc
    .record({
      batch: fc.integer({ min: 1, max: maxBatch }),
      steps: fc.integer({ min: 1, max: maxSteps }),
      inputSize: fc.integer({ min: 1, max: maxInput }),
      masked: fc.boolean(),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .chain(({ masked, ...c }) =>
      fc.array(fc.integer({ min: 1, max: c.steps }), { minLength: c.batch, maxLength: c.batch }).map((lengths) => ({ ...c, lengths: masked ? lengths : undefined })),
    );
}

/** How a cell is wrapped for a check. */
export type CellArrangement = 'forward' | 'reverse' | 'stacked' | 'bidirectional';

function arrange<P, C>(cell: Cell<P, C>, how: CellArrangement): SequenceLayer<unknown, unknown> {
  switch (how) {
    case 'forward':
      return recurrent(cell) as SequenceLayer<unknown, unknown>;
    case 'reverse':
      return recurrent(cell, { reverse: true }) as SequenceLayer<unknown, unknown>;
    case 'stacked':
      return stackLayers([recurrent(cell), recurrent(cell)]) as SequenceLayer<unknown, unknown>;
    case 'bidirectional':
      return bidirectional(cell) as SequenceLayer<unknown, unknown>;
  }
}

/**
 * Gradient-checks `cell` once: unrolled under `how`, for the shapes of `c`, with
 * respect to the inputs, the initial carry and every parameter, in float64. The loss
 * is a random projection of the outputs plus the final carry, so every path counts.
 */
export function checkCellGradients<P, C>(cell: Cell<P, C>, c: CellCase, how: CellArrangement, options: CheckGradientsOptions = {}): ReturnType<typeof checkGradients> {
  const layer = arrange(cell, how);
  const rng = new Rng(c.seed);
  const params = layer.init(rng, c.inputSize, 'float64');
  const carry = mapTree(layer.initCarry(c.batch, 'float64'), (t) => rng.normal(t.shape, { dtype: 'float64', std: 0.5 }));
  const xs = rng.normal([c.batch, c.steps, c.inputSize], { dtype: 'float64' });
  const paramLeaves = leaves(params);
  const carryLeaves = leaves(carry);
  const f = (x: Tensor, ...rest: Tensor[]): Tensor => {
    let k = 0;
    const p = mapTree(params, () => rest[k++]);
    const h = mapTree(carry, () => rest[k++]);
    const out = layer.apply(p, x, { carry: h, lengths: c.lengths });
    const w = new Rng(1).normal(out.outputs.shape, { dtype: 'float64' });
    let loss = sum(mul(out.outputs, w));
    // The final carry enters the loss too, so gradients through it are checked.
    for (const leaf of leaves(out.carry)) loss = add(loss, sum(mul(leaf, 0.5)));
    return loss;
  };
  return checkGradients(f, [xs, ...paramLeaves, ...carryLeaves], options);
}

/**
 * The one-call property test for a user's cell: for random small batches, lengths and
 * input sizes, the cell's gradients through `scan` — forward, reverse, stacked and
 * bidirectional, with and without padding — match central differences. Throws with
 * the failing case (shrunk by fast-check) when they do not.
 *
 * @example
 * ```ts
 * import { lstmCell } from '@tapestry/layers';
 * import { expectCellGradients } from '@tapestry/layers/testing';
 * expectCellGradients(lstmCell({ hiddenSize: 3 }));
 * ```
 */
export function expectCellGradients<P, C>(cell: Cell<P, C>, options: { numRuns?: number; seed?: number } & CheckGradientsOptions = {}): void {
  const { numRuns = propertyRuns(10), seed, ...check } = options;
  const arrangements: CellArrangement[] = ['forward', 'reverse', 'stacked', 'bidirectional'];
  fc.assert(
    fc.property(cellCaseArb(), fc.constantFrom(...arrangements), (c, how) => {
      const report = checkCellGradients(cell, c, how, check);
      if (!report.ok) throw new Error(`${cell.name} (${how}, ${JSON.stringify(c)}): ${report.summary}`);
    }),
    { numRuns, seed },
  );
}
