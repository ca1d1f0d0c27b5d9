/**
 * The numbers each task prints: short aligned lines for the terminal, shared by the
 * example programs and the demo's summary table.
 */
import { fmt } from '../report/html.js';
import type { ArchitecturesResult } from '../tasks/architectures.js';
import type { CharLmResult } from '../tasks/charlm.js';
import type { CustomCellResult } from '../tasks/custom-cell.js';
import type { GradientFlowResult } from '../tasks/gradient-flow.js';
import type { SineResult } from '../tasks/sine.js';
import type { SurnamesResult } from '../tasks/surnames.js';

/** Formats rows as an aligned plain-text table. */
export function textTable(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = [head, ...rows.map((r) => r.map((v) => (typeof v === 'number' ? fmt(v) : v)))];
  const widths = head.map((_, j) => Math.max(...cells.map((r) => String(r[j] ?? '').length)));
  const line = (r: readonly (string | number)[]): string => r.map((v, j) => String(v).padEnd(widths[j])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
}

/** Sine: one row per model. */
export function sineSummary(r: SineResult): string[] {
  return textTable(['model', 'final MSE', 'held-out MSE', 'ms/epoch'], r.runs.map((x) => [x.model, x.finalLoss, x.heldOutLoss, x.msPerEpoch]));
}

/** Architectures: one row per configuration. */
export function architecturesSummary(r: ArchitecturesResult): string[] {
  return textTable(['cell', 'layers', 'hidden', 'final MSE', 'ms/epoch'], r.runs.map((x) => [x.cell, x.layers, x.hidden, x.finalLoss, x.msPerEpoch]));
}

/** Gradient flow: norm ratios, then accuracy by length. */
export function gradientFlowSummary(r: GradientFlowResult): string[] {
  return [
    ...textTable(['cell', '|dL/dh_1|/|dL/dh_T| init', 'trained'], r.norms.map((n) => [n.cell, n.ratioInitial, n.ratioTrained])),
    '',
    ...textTable(['cell', 'T', 'accuracy', 'test MSE'], r.accuracy.map((a) => [a.cell, a.length, a.accuracy, a.mse])),
  ];
}

/** Char LM: final validation perplexity vs the n-gram, and the samples. */
export function charLmSummary(r: CharLmResult): string[] {
  const last = r.evals[r.evals.length - 1];
  return [
    ...textTable(
      ['model', 'val loss', 'val perplexity'],
      [
        [`${r.config.cell.toUpperCase()} ${r.config.layers}x${r.config.hidden}`, last?.loss ?? NaN, last?.perplexity ?? NaN],
        [`${r.ngram.order}-gram KN`, Math.log(r.ngram.perplexity), r.ngram.perplexity],
      ],
    ),
    ...r.samples.flatMap((s) => ['', `--- ${s.method} ---`, s.text]),
  ];
}

/** Surnames: overall and per-class accuracy. */
export function surnamesSummary(r: SurnamesResult): string[] {
  return [
    `test accuracy ${fmt(r.accuracy)}  balanced ${fmt(r.balancedAccuracy)}  (majority class ${fmt(r.majorityBaseline)})`,
    ...textTable(['language', 'n', 'accuracy'], r.perClass.map((p) => [p.language, p.count, p.accuracy])),
  ];
}

/** Custom cell: the gradient check and the comparison. */
export function customCellSummary(r: CustomCellResult): string[] {
  return [
    `gradient check (${r.gradientCheck.runs} cases): ${r.gradientCheck.ok ? 'ok' : r.gradientCheck.message}`,
    ...textTable(['cell', 'params', 'final MSE', 'test MSE', 'accuracy', 'ms/step'], r.runs.map((x) => [x.cell, x.parameters, x.finalLoss, x.testMse, x.accuracy, x.msPerStep])),
  ];
}
