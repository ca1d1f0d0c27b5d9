/**
 * Turns the editor's TypeScript into a cell factory: sucrase strips the types and turns
 * `import`s into `require` calls (keeping every line where it was), and the result runs
 * with a `require` that knows only `@tapestry/core` and `@tapestry/layers`. Every error —
 * a syntax error, an exception at load time — comes back as a {@link CellError} with the
 * line of the editor it points at.
 */
import * as core from '@tapestry/core';
import * as layers from '@tapestry/layers';
import { either as E } from 'fp-ts';
import { transform } from 'sucrase';
import type { ActivationProbe } from './probe.js';
import { locateSyntaxError } from './syntax-location.js';
import { CELL_SOURCE_URL, errorAt, type CellError } from './errors.js';

/** What the editor's module must export: hidden size → cell. */
export type CellFactory = (hiddenSize: number) => layers.Cell<unknown, unknown>;

/** The modules a cell may import. Its `sigmoid` and `tanh` report to the gate probe. */
function cellModules(probe: ActivationProbe): Record<string, unknown> {
  const observedCore = {
    ...core,
    sigmoid: (x: core.Tensor) => probe.observe('sigmoid', core.sigmoid(x)),
    tanh: (x: core.Tensor) => probe.observe('tanh', core.tanh(x)),
  };
  return { '@tapestry/core': observedCore, '@tapestry/layers': layers };
}

/** Strips the types; a syntax error names its line and column (see syntax-location.ts). */
function transpile(code: string): E.Either<CellError, string> {
  try {
    return E.right(transform(code, { transforms: ['typescript', 'imports'], production: true }).code);
  } catch (e) {
    const at = locateSyntaxError(code);
    const message = at?.message ?? (e as Error).message;
    return E.left({ phase: 'compile', message: `syntax error: ${message}`, line: at?.line, column: at?.column });
  }
}

/** Runs the module's top level and returns its default export, checked to be a function. */
function load(js: string, code: string, probe: ActivationProbe): E.Either<CellError, CellFactory> {
  const modules = cellModules(probe);
  const require = (name: string): unknown => {
    if (name in modules) return modules[name];
    throw new Error(`cannot import '${name}': a cell may import @tapestry/core and @tapestry/layers`);
  };
  const exports: { default?: unknown } = {};
  try {
    // One line of wrapper before the code's first line keeps line numbers unchanged;
    // sourceURL names the code in stack traces, which is how errors find their line.
    const body = `(function (require, exports) {${js}\n})\n//# sourceURL=${CELL_SOURCE_URL}`;
    const run = (0, eval)(body) as (r: typeof require, e: typeof exports) => void;
    run(require, exports);
  } catch (e) {
    return E.left(errorAt('load', e, code));
  }
  if (typeof exports.default !== 'function') {
    return E.left({ phase: 'load', message: 'the module must `export default` a function from the hidden size to a Cell', line: undefined });
  }
  return E.right(exports.default as CellFactory);
}

/** Compiles the editor's code into a cell factory, or the first error with its line. */
export function compileCell(code: string, probe: ActivationProbe): E.Either<CellError, CellFactory> {
  return E.chain((js: string) => load(js, code, probe))(transpile(code));
}
