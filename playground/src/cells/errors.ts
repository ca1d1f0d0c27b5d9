/**
 * Errors in the user's cell, located in the editor. Tapestry's own errors (shape errors
 * that name the op and the shapes) are passed through verbatim; what this module adds is
 * the line: the innermost stack frame in the cell's code, or — for a problem `scan` finds
 * after the step has returned — the line where the cell defines the function at fault.
 */

/** The name the cell's code has in stack traces. */
export const CELL_SOURCE_URL = 'cell.ts';

/** When the problem showed up. */
export type CellErrorPhase = 'compile' | 'load' | 'check' | 'train';

/** A problem with the user's cell, for the editor to show at `line` (1-based). */
export interface CellError {
  readonly phase: CellErrorPhase;
  readonly message: string;
  readonly line: number | undefined;
  readonly column?: number | undefined;
}

const frame = new RegExp(`${CELL_SOURCE_URL.replace('.', '\\.')}:(\\d+):(\\d+)`);

/** The line and column of the innermost frame of `stack` in the cell's code. */
export function locateInCell(stack: string | undefined): { line: number; column: number } | undefined {
  const m = stack === undefined ? null : frame.exec(stack);
  return m === null ? undefined : { line: Number(m[1]), column: Number(m[2]) };
}

/** The first line of `code` that defines the member `name` (`name:`, `name(`, `name =`). */
export function definitionLine(code: string, name: string): number | undefined {
  const pattern = new RegExp(`\\b${name}\\s*(:|\\(|=)`);
  const index = code.split('\n').findIndex((l) => pattern.test(l));
  return index < 0 ? undefined : index + 1;
}

/** Which cell member a `scan` message blames, if it says. */
function blamedMember(message: string): string | undefined {
  if (/step returned/.test(message)) return 'step';
  if (/\bproject\b/.test(message)) return 'project';
  if (/\binitCarry\b|the carry/.test(message)) return 'initCarry';
  return undefined;
}

/** A `CellError` for `e`, thrown while running the cell whose source is `code`. */
export function errorAt(phase: CellErrorPhase, e: unknown, code: string, where?: { line: number; column: number }): CellError {
  const error = e instanceof Error ? e : new Error(String(e));
  const message = error.name !== 'Error' && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
  const at = where ?? locateInCell(error.stack);
  if (at !== undefined) return { phase, message, line: at.line, column: at.column };
  const member = blamedMember(error.message);
  return { phase, message, line: member === undefined ? undefined : definitionLine(code, member) };
}
