/**
 * The custom-cell pipeline in Node (same V8 as Chromium): syntax errors at their true
 * line, exceptions located by their stack frame in the cell's code, shape errors in
 * Tapestry's words, and working cells accepted.
 */
import { either as E } from 'fp-ts';
import { Rng, type Tensor } from '@tapestry/core';
import { scan } from '@tapestry/layers';
import { describe, expect, it } from 'vitest';
import { compileCell } from '../src/cells/compile.js';
import { checkCustomCell } from '../src/cells/custom.js';
import { ActivationProbe } from '../src/cells/probe.js';
import { locateSyntaxError } from '../src/cells/syntax-location.js';
import { defaultCustomCell as mgu } from '../src/cells/templates.js';
import { janetCellSource } from './janet-cell.js';

const lineOf = (code: string, text: string): number => code.split('\n').findIndex((l) => l.includes(text)) + 1;

/** Compiles and checks `code` as the worker does, for hidden size 4 and 3 input features. */
function build(code: string) {
  const compiled = compileCell(code, new ActivationProbe());
  return E.isLeft(compiled) ? compiled : checkCustomCell(compiled.right, 4, 3, code);
}

function problem(code: string) {
  const result = build(code);
  if (E.isRight(result)) throw new Error('expected the cell to be rejected');
  return result.left;
}

describe('syntax errors', () => {
  it('are found inside arrow functions, where sucrase reports the arrow instead', () => {
    const nested = 'const o = {\n  step: (p, h) => {\n    const g = (q: number) => {\n      return q +;\n    };\n  },\n};';
    expect(locateSyntaxError(nested)).toMatchObject({ line: 4 });
    const inStep = mgu.replace('const next =', 'const next = ;');
    expect(problem(inStep)).toMatchObject({ phase: 'compile', line: lineOf(mgu, 'const next =') });
    const unclosed = mgu.replace('const f = sigmoid(add(', 'const f = sigmoid(add((');
    expect(problem(unclosed).line).toBe(lineOf(mgu, 'const f = sigmoid'));
  });

  it('keep the parser’s own location outside arrows', () => {
    expect(locateSyntaxError('function f(a: number) {\n  const x = 1;\n  const y = ;\n}')).toMatchObject({ line: 3, column: 13 }); // 1-based, at the `;`
    expect(locateSyntaxError(mgu)).toBeUndefined();
  });
});

describe('errors while the cell runs', () => {
  it('report Tapestry’s shape error at the line of the product', () => {
    const code = mgu.replace('matmul(h, p.weight_fh,', 'matmul(h, p.weight_ih,');
    const e = problem(code);
    expect(e.phase).toBe('check');
    expect(e.line).toBe(lineOf(code, 'p.weight_ih, { transB: true })))'));
    expect(e.message).toMatch(/^ShapeError: scan\(mgu\): matmul: .*\[2,4\].*\[8,3\]/);
  });

  it('point at step when its output has the wrong shape', () => {
    const code = mgu.replace('return [next, next];', 'return [next, sliceAxis(next, 1, 0, 2)];');
    const e = problem(code);
    expect(e.message).toContain('step returned an output of shape [2,2], expected [2,4]');
    expect(e.line).toBe(lineOf(code, 'step: (p, h, a) =>'));
  });

  it('name a thrown error’s line, an unknown import, and a missing member', () => {
    expect(problem(mgu.replace('return [next, next];', "throw new Error('not yet');"))).toMatchObject({ message: 'not yet', line: lineOf(mgu, 'return [next, next];') });
    expect(problem(mgu.replace("from '@tapestry/core'", "from 'torch'")).message).toContain("cannot import 'torch'");
    expect(problem(mgu.replace('    outputSize: H,\n', '')).message).toContain('outputSize must be a positive integer');
    expect(problem('export const x = 1;').message).toContain('export default');
  });
});

describe('working cells', () => {
  it('accepts the template and JANET, whose sigmoid and tanh calls feed the gate histograms', () => {
    expect(E.isRight(build(mgu))).toBe(true);
    const probe = new ActivationProbe();
    const compiled = compileCell(janetCellSource, probe);
    if (E.isLeft(compiled)) throw new Error(compiled.left.message);
    const checked = checkCustomCell(compiled.right, 4, 3, janetCellSource);
    if (E.isLeft(checked)) throw new Error(checked.left.message);
    const { cell } = checked.right;
    const rng = new Rng(0);
    const params = cell.init(rng, 3);
    const stepwise = { ...cell, step: (p: unknown, c: unknown, x: Tensor) => (probe.beginStep(), cell.step(p, c, x)) };
    const histograms = probe.run(() => void scan(stepwise, params, rng.normal([2, 5, 3])));
    expect(histograms.map((h) => h.name)).toEqual(['sigmoid 1', 'tanh 1', 'sigmoid 2']);
    for (const h of histograms) expect(h.fractions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
