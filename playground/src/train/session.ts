/**
 * Builds a trainer from settings: a built-in cell, or the user's code compiled, checked
 * and instrumented. Errors in the user's cell come back located in its source.
 */
import type { Cell } from '@tapestry/layers';
import { either as E } from 'fp-ts';
import { builtinCell } from '../cells/builtin.js';
import { compileCell } from '../cells/compile.js';
import { checkCustomCell } from '../cells/custom.js';
import type { CellError, CellErrorPhase } from '../cells/errors.js';
import type { ActivationProbe } from '../cells/probe.js';
import type { Settings } from '../state.js';
import { Trainer } from './trainer.js';

/** Features per step each task feeds its cell (the tasks' `inputSize`; the LM's is its embedding size), for the custom cell's trial run. */
const inputSizes: Record<Settings['task'], number> = { sine: 1, adding: 2, charlm: 16 };

/** A trainer, and how to explain an exception its cell throws. */
export interface Session {
  readonly trainer: Trainer;
  readonly cellName: string;
  /** For a custom cell: the located error; for a built-in one: undefined (not the user's fault). */
  explain(e: unknown, phase: CellErrorPhase): CellError | undefined;
}

/** The numbering of unnamed gate observations restarts at every step. */
function numberedPerStep(cell: Cell<unknown, unknown>, probe: ActivationProbe): Cell<unknown, unknown> {
  return { ...cell, step: (p, c, x) => (probe.beginStep(), cell.step(p, c, x)) };
}

/** A session for `settings`, or the first problem with the custom cell. */
export function openSession(settings: Settings, probe: ActivationProbe): E.Either<CellError, Session> {
  if (settings.cell !== 'custom') {
    const cell = builtinCell(settings.cell, settings.hidden, probe);
    return E.right({ trainer: new Trainer(settings, cell, probe), cellName: cell.name, explain: () => undefined });
  }
  const compiled = compileCell(settings.code, probe);
  if (E.isLeft(compiled)) return compiled;
  const checked = checkCustomCell(compiled.right, settings.hidden, inputSizes[settings.task], settings.code);
  if (E.isLeft(checked)) return checked;
  const { cell, explain } = checked.right;
  try {
    const trainer = new Trainer(settings, numberedPerStep(cell, probe), probe);
    return E.right({ trainer, cellName: cell.name, explain });
  } catch (e) {
    return E.left(explain(e, 'check'));
  }
}
