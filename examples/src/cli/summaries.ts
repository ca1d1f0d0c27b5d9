/**
 * The numbers each task prints: short aligned lines for the terminal, shared by the
 * example programs and the demo's summary table.
 */
import { fmt } from '../report/html.js';
import type { ArchitecturesResult } from '../tasks/architectures.js';
import type { CharLmResult } from '../tasks/charlm.js';
import type { CustomCellResult } from '../tasks/custom-cell.js';
import { reachRatio, type GradientFlowResult } from '../tasks/gradient-flow.js';
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

/** Architectures: one row per configuration and seed. */
export function architecturesSummary(r: ArchitecturesResult): string[] {
  return textTable(['cell', 'layers', 'budget', 'hidden', 'params', 'seed', 'final MSE', 'ms/epoch'], r.runs.map((x) => [x.cell, x.layers, x.budget, x.hidden, x.parameters, x.seed, x.finalLoss, x.msPerEpoch]));
}

/** Gradient flow: the learning-rate search, then accuracy and norm ratios by length. */
export function gradientFlowSummary(r: GradientFlowResult): string[] {
  return [
    ...textTable(['cell', 'lr', 'search MSE'], r.search.map((t) => [t.cell, t.lr, t.mse])),
    '',
    ...textTable(
      ['cell', 'T', 'lr', 'steps', 'accuracy', 'chance', 'test MSE', '|dL/dh_1|/|dL/dh_T| init', 'trained'],
      r.sweep.map((s) => [s.cell, s.length, s.lr, s.steps, s.accuracy, s.chance, s.mse, reachRatio(s.normsInitial), reachRatio(s.normsTrained)]),
    ),
    '',
    ...textTable(['exploding RNN', 'max |grad|', 'test MSE'], r.exploding.map((e) => [e.clipped ? 'clipping on' : 'clipping off', Math.max(...e.gradNorms.filter(Number.isFinite)), e.testMse])),
  ];
}

/** LM: test perplexities of the LSTMs and the n-grams, and the samples. */
export function charLmSummary(r: CharLmResult): string[] {
  return [
    ...textTable(
      ['model', 'test loss', 'test perplexity'],
      [
        ...r.runs.map((x) => [`${r.config.cell.toUpperCase()} ${r.config.layers}x${r.config.hidden} dropout ${x.dropout}`, x.testLoss, Math.exp(x.testLoss)]),
        ...r.ngrams.map((g) => [`${g.order}-gram KN (D ${g.discount})`, Math.log(g.testPerplexity), g.testPerplexity]),
        ...(r.word === undefined ? [] : [[`word-level ${r.config.cell.toUpperCase()} (per word)`, r.word.testLoss, Math.exp(r.word.testLoss)]]),
      ],
    ),
    ...r.samples.flatMap((s) => ['', `--- ${s.method} (log-prob ${fmt(s.logProb)}, ${fmt(s.perToken)} per char) ---`, s.text]),
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
