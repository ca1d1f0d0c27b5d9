/**
 * Turns each task's results into a report section: the numbers as tables, the curves
 * as charts, and under every chart a caption computed from the run — what it shows, the
 * numbers that matter, and whether the tutorial's lesson appeared (and if not, why).
 * The chart ids listed in {@link expectedCharts} are what the report check looks for.
 */
import type { CustomCellResult } from '../tasks/custom-cell.js';
import type { SineResult } from '../tasks/sine.js';
import type { SurnamesResult } from '../tasks/surnames.js';
import { barChart, heatmap, lineChart, type Row } from './charts.js';
import { fmt, type Section } from './html.js';
import { name, plural, smooth, text, thin } from './section-kit.js';

export { architecturesSection } from './architectures-section.js';
export { charLmSection } from './charlm-section.js';
export { gradientFlowSection } from './gradient-flow-section.js';

/** The charts each section draws, by section id. */
export const expectedCharts = {
  sine: ['sine-loss', 'sine-prediction'],
  architectures: ['arch-curves', 'arch-loss', 'arch-time'],
  'gradient-flow': ['gradflow-lr', 'gradflow-accuracy', 'gradflow-loss', 'gradflow-curves', 'gradflow-norms', 'gradflow-exploding'],
  charlm: ['charlm-perplexity', 'charlm-ngram', 'charlm-dropout', 'charlm-word'],
  surnames: ['surnames-loss', 'surnames-accuracy', 'surnames-confusion'],
  'custom-cell': ['custom-loss'],
} as const;

/** A report section's id. */
export type SectionId = keyof typeof expectedCharts;

/** Every section id, in report order. */
export const sectionIds = Object.keys(expectedCharts) as SectionId[];

/** Section 1: sine-wave prediction. */
export async function sineSection(r: SineResult): Promise<Section> {
  const lossRows: Row[] = r.runs.flatMap((run) => thin(run.losses).map(({ x, v }) => ({ epoch: x, loss: v, model: name(run.model) })));
  const predRows: Row[] = [
    ...r.window.targets.map((y, t) => ({ step: t + 1, value: y, series: 'target', role: 'target (true next value)' })),
    ...r.runs.flatMap((run) => run.prediction.map((y, t) => ({ step: t + 1, value: y, series: name(run.model), role: 'prediction' }))),
  ];
  const c = r.config;
  const ranked = [...r.runs].sort((a, b) => a.heldOutLoss - b.heldOutLoss);
  const causal = ranked.filter((x) => x.model !== 'bilstm');
  const bi = r.runs.find((x) => x.model === 'bilstm');
  const leak = bi !== undefined && causal.every((x) => bi.heldOutLoss < x.heldOutLoss);
  return {
    id: 'sine',
    title: '1. Sine-wave prediction',
    blocks: [
      text(
        `x = sin t at 100 points of [0, 4π], windows of ${c.window} steps, target = the next value at every step. ` +
          `Each model: ${plural(c.layers, 'layer')} of ${c.hidden} units and a dense output, trained full-batch with Adam (lr ${c.lr}) for ${c.epochs} epochs ` +
          `on the first ${100 - c.window - c.heldOut} windows; the last ${c.heldOut} are held out.`,
      ),
      { kind: 'table', head: ['model', 'final train MSE', 'held-out MSE', 'ms / epoch'], digits: [undefined, 3, 3, 3], rows: r.runs.map((x) => [name(x.model), x.finalLoss, x.heldOutLoss, x.msPerEpoch]) },
      {
        kind: 'chart',
        id: 'sine-loss',
        svg: await lineChart({ title: 'Training loss (MSE)', rows: lossRows, x: 'epoch', y: 'loss', color: 'model', logY: true, integerX: true, yTitle: 'training MSE (log)' }),
        caption:
          `Full-batch training MSE per epoch. Final: ${r.runs.map((x) => `${name(x.model)} ${fmt(x.finalLoss, 3)}`).join(', ')}. ` +
          (causal.length > 1
            ? `Among the causal models the ${name(causal[0].model)} predicts the held-out windows best (MSE ${fmt(causal[0].heldOutLoss, 3)}) and the ${name(causal[causal.length - 1].model)} worst (${fmt(causal[causal.length - 1].heldOutLoss, 3)}, ${fmt(causal[causal.length - 1].heldOutLoss / causal[0].heldOutLoss, 2)}×). A 10-step window of a smooth signal needs no long memory, so this ranking is about how fast each cell fits in ${c.epochs} epochs, not about memory (section 3 tests memory). `
            : '') +
          (bi === undefined ? '' : leak ? `The bi-LSTM is lowest of all (held-out ${fmt(bi.heldOutLoss, 3)}) — not skill but a leak: its backward direction reads x[t+1], the very value it must predict. A next-value predictor must be causal.` : `The bi-LSTM reads x[t+1] through its backward direction, a leak; in this run it still did not beat every causal model (held-out ${fmt(bi.heldOutLoss, 3)}), so the leak has not been exploited within ${c.epochs} epochs.`),
      },
      {
        kind: 'chart',
        id: 'sine-prediction',
        svg: await lineChart({ title: 'Last held-out window: next-value predictions vs target', rows: predRows, x: 'step', y: 'value', color: 'series', dash: 'role', points: true, integerX: true, xTitle: 'step in the window', yTitle: 'value' }),
        caption: `The target (black, dashed) against each model's prediction on the last window kept out of training. Held-out MSE over all ${c.heldOut} held-out windows: ${ranked.map((x) => `${name(x.model)} ${fmt(x.heldOutLoss, 3)}`).join(', ')}.`,
      },
    ],
  };
}

/** Section 5: surname classification. */
export async function surnamesSection(r: SurnamesResult): Promise<Section> {
  const lossRows: Row[] = thin(smooth(r.trainLosses, 0.05)).map(({ x, v }) => ({ step: x, loss: v, series: 'training loss (smoothed)' }));
  const perClass = [...r.perClass].sort((a, b) => b.count - a.count);
  const accRows: Row[] = perClass.map((p) => ({ language: `${p.language} (${p.count})`, accuracy: p.accuracy }));
  const confRows: Row[] = r.confusion.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return row.map((n, j) => ({ actual: r.languages[i], predicted: r.languages[j], fraction: n / total }));
  });
  const c = r.config;
  const zero = r.perClass.filter((p) => p.accuracy === 0);
  const whereTo = (language: string): string => {
    const i = r.languages.indexOf(language);
    const row = r.confusion[i];
    const j = row.indexOf(Math.max(...row));
    return r.languages[j];
  };
  const largest = perClass.slice(0, 3).map((p) => `${p.language} ${p.count}`);
  const zeroNote =
    zero.length === 0
      ? 'Every language gets some names right.'
      : `${zero.map((p) => `${p.language} (${p.count} test names, mostly predicted as ${whereTo(p.language)})`).join(', ')} score 0. They are small classes next to ${largest.join(', ')}: with plain cross-entropy and ${plural(c.epochs, 'epoch')} the model learns the frequent classes first and sends similar-looking rare names to them. Class weights or more epochs are the usual remedies (\`--full\` trains for more epochs).`;
  const language = r.perClass.length;
  const lossStart = r.trainLosses.slice(0, 10);
  const lossEnd = r.trainLosses.slice(-10);
  const avg = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  return {
    id: 'surnames',
    title: '5. Sequence classification: surname → language',
    blocks: [
      text(
        `A bidirectional ${name(c.cell)} (${c.hidden} units each way, embedding ${c.embed}) over padded, length-bucketed batches of ${c.batch}; the final ` +
          `forward and backward states feed a dense layer over ${r.languages.length} languages. ${plural(c.epochs, 'epoch')}, ` +
          `${r.trainSize} training names; accuracy on ${r.testSize} test names (stratified split).`,
      ),
      { kind: 'table', head: ['overall test accuracy', 'balanced accuracy (mean per class)', 'majority-class baseline'], digits: [3, 3, 3], rows: [[r.accuracy, r.balancedAccuracy, r.majorityBaseline]] },
      {
        kind: 'chart',
        id: 'surnames-loss',
        svg: await lineChart({ title: 'Training loss', rows: lossRows, x: 'step', y: 'loss', color: 'series', yTitle: 'cross-entropy (nats)', rules: [{ y: Math.log(language), label: `ln ${language}: uniform guess` }] }),
        caption: `Cross-entropy per batch (moving average) from ${fmt(avg(lossStart), 3)} over the first 10 batches to ${fmt(avg(lossEnd), 3)} over the last 10; the dashed line is a uniform guess over ${language} languages.`,
      },
      {
        kind: 'chart',
        id: 'surnames-accuracy',
        svg: await barChart({ title: 'Test accuracy per language (test names in brackets)', rows: accRows, x: 'language', y: 'accuracy', rules: [{ y: r.accuracy, label: `overall ${fmt(r.accuracy, 3)}` }, { y: r.balancedAccuracy, label: `balanced ${fmt(r.balancedAccuracy, 3)}` }] }),
        caption: `Overall test accuracy ${fmt(r.accuracy, 3)} against ${fmt(r.majorityBaseline, 3)} for always answering the largest class; balanced accuracy (each language counted equally) ${fmt(r.balancedAccuracy, 3)}. ${zeroNote}`,
      },
      {
        kind: 'chart',
        id: 'surnames-confusion',
        svg: await heatmap({ title: 'Confusion matrix (rows: actual, normalised)', rows: confRows, x: 'predicted', y: 'actual', value: 'fraction', order: r.languages }),
        caption: `Each row is one language's test names, split by the language predicted (darker = larger share). The diagonal is what the model gets right (${fmt(100 * r.accuracy, 3)}% of all ${r.testSize} test names); off-diagonal mass shows which languages it mistakes for which — ${zero.length > 0 ? `e.g. ${zero[0].language} → ${whereTo(zero[0].language)}` : 'mostly between languages that share spelling patterns'}.`,
      },
    ],
  };
}

/** The custom-cell example's section. */
export async function customCellSection(r: CustomCellResult): Promise<Section> {
  const rows: Row[] = r.runs.flatMap((run) => thin(smooth(run.losses)).map(({ x, v }) => ({ step: x, loss: v, cell: name(run.cell) })));
  const [mgu, lstm] = [r.runs.find((x) => x.cell === 'mgu'), r.runs.find((x) => x.cell === 'lstm')];
  const verdict =
    mgu === undefined || lstm === undefined
      ? 'Only one cell ran (interrupted).'
      : `With ${mgu.parameters} parameters against the LSTM's ${lstm.parameters}, the MGU reaches test MSE ${fmt(mgu.testMse, 3)} (accuracy ${fmt(mgu.accuracy, 3)}) and the LSTM ${fmt(lstm.testMse, 3)} (${fmt(lstm.accuracy, 3)}) after ${r.config.steps} steps each: ` +
        (mgu.testMse < lstm.testMse ? 'one gate is enough for this task, and the lighter cell learns it sooner.' : 'the LSTM is ahead here; one gate has less to work with.');
  return {
    id: 'custom-cell',
    title: 'Custom cell: a minimal gated unit vs LSTM',
    blocks: [
      text(
        `A user-written cell (${r.cellName}) plugged into scan, trained on the adding problem at T = ${r.config.length} next to the built-in LSTM. ` +
          `Gradient check (expectCellGradients, ${r.gradientCheck.runs} random cases): ${r.gradientCheck.ok ? 'passed' : `FAILED — ${r.gradientCheck.message}`}.`,
      ),
      {
        kind: 'table',
        head: ['cell', 'parameters', 'final train MSE (mean of last 10 steps)', 'test MSE', 'accuracy (±0.04)', 'ms / step'],
        digits: [undefined, undefined, 3, 3, 3, 3],
        rows: r.runs.map((x) => [name(x.cell), x.parameters, x.finalLoss, x.testMse, x.accuracy, x.msPerStep]),
      },
      { kind: 'chart', id: 'custom-loss', svg: await lineChart({ title: 'Training loss (smoothed)', rows, x: 'step', y: 'loss', color: 'cell', logY: true, yTitle: 'training MSE (log)', rules: [{ y: 1 / 6, label: '1/6: always answering 1' }] }), caption: `Training MSE (moving average) of both cells on the same batches. ${verdict}` },
    ],
  };
}
