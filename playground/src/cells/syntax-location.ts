/**
 * Where a syntax error really is. Sucrase parses TypeScript arrow functions
 * speculatively: when their body fails to parse, it backtracks and reports the error at
 * the arrow's parameter list — for a cell, whose members are arrows, usually the line of
 * `step: (p, h, x) => {` instead of the broken line inside. So when an error lands on an
 * arrow's head, this module parses the arrow's body on its own (at the same line
 * numbers) and takes that error instead, recursing into nested arrows.
 */
import { transform } from 'sucrase';

/** A 1-based line and column (sucrase's columns are 1-based, like its messages'). */
export interface SourcePoint {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

const MAX_DEPTH = 8;

/** Offset of line/column (1-based line, 0-based column) in `code`. */
function offsetOf(code: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = code.indexOf('\n', offset) + 1;
  return offset + column;
}

/** Index just past the bracket that closes the one at `open`, skipping strings and comments. */
function matching(code: string, open: number): number | undefined {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '/' && code[i + 1] === '/') i = code.indexOf('\n', i) < 0 ? code.length : code.indexOf('\n', i);
    else if (c === '/' && code[i + 1] === '*') i = code.indexOf('*/', i + 2) < 0 ? code.length : code.indexOf('*/', i + 2) + 1;
    else if (c === '"' || c === "'" || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if (c in pairs) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  return undefined;
}

/** The first syntax error sucrase reports in `code`, or undefined if it parses. */
function firstError(code: string): SourcePoint | undefined {
  try {
    transform(code, { transforms: ['typescript'] });
    return undefined;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    if (loc === undefined) return undefined;
    return { line: loc.line, column: loc.column, message: (e as Error).message.replace(/\s*\(\d+:\d+\)$/, '') };
  }
}

/**
 * Where the body of the arrow function starts whose head is at `at` — sucrase reports
 * either the parameter list's `(` or the `=>` — or undefined if `at` is not an arrow's head.
 */
function arrowBody(code: string, at: number): number | undefined {
  let arrowAt = at;
  if (code[at] === '(') {
    const close = matching(code, at);
    const annotated = close === undefined ? null : /^\s*(?::[^=]*)?(?==>)/.exec(code.slice(close));
    if (close === undefined || annotated === null) return undefined;
    arrowAt = close + annotated[0].length;
  }
  if (!code.startsWith('=>', arrowAt)) return undefined;
  return arrowAt + 2 + (/^\s*/.exec(code.slice(arrowAt + 2))?.[0].length ?? 0);
}

/**
 * The syntax error of `code` at its true location, or undefined if it has none. If the
 * reported spot is an arrow function's head (its `(` or `=>`), the arrow's body is parsed alone (padded
 * with blanks so its lines keep their numbers) and its error wins when it has one.
 */
export function locateSyntaxError(code: string, depth = 0): SourcePoint | undefined {
  const error = firstError(code);
  if (error === undefined || depth >= MAX_DEPTH) return error;
  const at = offsetOf(code, error.line, error.column - 1);
  const bodyStart = arrowBody(code, at);
  if (bodyStart === undefined) return error;
  // Expression bodies are left alone: they rarely span lines, so the head's line is right.
  if (code[bodyStart] !== '{') return error;
  const end = matching(code, bodyStart) ?? code.length;
  // Everything before the body becomes blanks (newlines kept), so lines keep their numbers.
  const blanks = code.slice(0, bodyStart).replace(/[^\n]/g, ' ');
  return locateSyntaxError(`${blanks}void function () {${code.slice(bodyStart + 1, end)}`, depth + 1) ?? error;
}
