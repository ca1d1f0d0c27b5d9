/**
 * The user's cell, checked before training: its factory is called, its members are
 * checked to be what the `Cell` interface asks for, and one short forward and backward
 * pass runs on a tiny batch — so a wrong shape is reported before the first training
 * step, with Tapestry's message and the line of the cell it points at.
 */
import { Rng, sum, valueAndGrad, type Tensor } from '@tapestry/core';
import { hiddenState, scan, type Cell } from '@tapestry/layers';
import { either as E } from 'fp-ts';
import type { CellFactory } from './compile.js';
import { definitionLine, errorAt, locateInCell, type CellError, type CellErrorPhase } from './errors.js';

/** A cell whose errors can be located in its source. */
export interface LocatedCell {
  readonly cell: Cell<unknown, unknown>;
  /** The `CellError` for an exception thrown while running `cell` (e.g. in training). */
  explain(e: unknown, phase: CellErrorPhase): CellError;
}

type Member = 'init' | 'initCarry' | 'project' | 'step';

/**
 * Wraps the cell's functions so that an exception remembers where in the cell it started:
 * `scan` re-throws shape errors with its own context, which loses the original stack.
 */
function located(cell: Cell<unknown, unknown>, code: string): LocatedCell {
  let failure: { line: number; column: number } | undefined;
  const wrap = <A extends unknown[], R>(f: (...args: A) => R) => (...args: A): R => {
    try {
      return f(...args);
    } catch (e) {
      failure ??= locateInCell((e as Error | undefined)?.stack);
      throw e;
    }
  };
  const wrapped: Cell<unknown, unknown> = {
    name: cell.name,
    outputSize: cell.outputSize,
    init: wrap(cell.init.bind(cell)),
    initCarry: wrap(cell.initCarry.bind(cell)),
    project: cell.project === undefined ? undefined : wrap(cell.project.bind(cell)),
    step: wrap(cell.step.bind(cell)),
  };
  return {
    cell: wrapped,
    explain: (e, phase) => {
      const where = failure;
      failure = undefined;
      return errorAt(phase, e, code, where);
    },
  };
}

/** The members the interface requires, with a message for the first one that is missing or wrong. */
function checkMembers(cell: unknown, code: string): CellError | undefined {
  const fail = (message: string, member?: Member | 'outputSize' | 'name'): CellError => ({
    phase: 'check',
    message,
    line: member === undefined ? undefined : definitionLine(code, member),
  });
  if (typeof cell !== 'object' || cell === null) return fail(`the default export returned ${cell === null ? 'null' : typeof cell}, not a Cell object`);
  const c = cell as Record<string, unknown>;
  if (typeof c.name !== 'string') return fail('the cell has no `name` (a string used in error messages)');
  if (!Number.isInteger(c.outputSize) || (c.outputSize as number) < 1) return fail(`cell '${c.name}': outputSize must be a positive integer, got ${String(c.outputSize)}`, 'outputSize');
  for (const member of ['init', 'initCarry', 'step'] as const) {
    if (typeof c[member] !== 'function') return fail(`cell '${c.name}': \`${member}\` must be a function`, member);
  }
  if (c.project !== undefined && typeof c.project !== 'function') return fail(`cell '${c.name}': \`project\` must be a function or absent`, 'project');
  return undefined;
}

/** One forward and backward pass on `[2, 3, inputSize]`; the shapes the playground relies on. */
function trial(lc: LocatedCell, inputSize: number, code: string): CellError | undefined {
  const { cell } = lc;
  try {
    const rng = new Rng(0);
    const params = cell.init(rng, inputSize);
    const xs = rng.normal([2, 3, inputSize]);
    valueAndGrad((p: unknown) => sum(scan(cell, p, xs).outputs))(params); // the backward pass must run too
    const { carry } = scan(cell, params, xs);
    let h: Tensor;
    try {
      h = hiddenState(carry);
    } catch {
      return { phase: 'check', message: `cell '${cell.name}': the carry must be a tensor h or an object with a tensor field h (the playground plots ∂L/∂h)`, line: definitionLine(code, 'initCarry') };
    }
    if (h.rank !== 2 || h.shape[0] !== 2) {
      return { phase: 'check', message: `cell '${cell.name}': the hidden state h should be [B, H]; for a batch of 2 it is [${h.shape.join(',')}]`, line: definitionLine(code, 'initCarry') };
    }
    return undefined;
  } catch (e) {
    return lc.explain(e, 'check');
  }
}

/** Calls the factory, checks the cell and runs the trial; the located cell or the first problem. */
export function checkCustomCell(factory: CellFactory, hidden: number, inputSize: number, code: string): E.Either<CellError, LocatedCell> {
  let cell: unknown;
  try {
    cell = factory(hidden);
  } catch (e) {
    return E.left(errorAt('check', e, code));
  }
  const problem = checkMembers(cell, code);
  if (problem !== undefined) return E.left(problem);
  const lc = located(cell as Cell<unknown, unknown>, code);
  const failed = trial(lc, inputSize, code);
  return failed === undefined ? E.right(lc) : E.left(failed);
}
