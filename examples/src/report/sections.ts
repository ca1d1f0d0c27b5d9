/**
 * Turns each task's results into a report section: the numbers as tables, the curves
 * as charts. The chart ids listed in {@link expectedCharts} are what the report checks
 * look for.
 */
import type { ArchitecturesResult } from '../tasks/architectures.js';
import type { CharLmResult } from '../tasks/charlm.js';
import type { CustomCellResult } from '../tasks/custom-cell.js';
import type { GradientFlowResult } from '../tasks/gradient-flow.js';
import type { SineResult } from '../tasks/sine.js';
import type { SurnamesResult } from '../tasks/surnames.js';
import { barChart, heatmap, lineChart, scatterChart, type Row } from './charts.js';
import type { Block, Section } from './html.js';

/** The charts each section draws, by section id. */
export const expectedCharts = {
  sine: ['sine-loss', 'sine-prediction'],
  architectures: ['arch-loss', 'arch-time'],
  'gradient-flow': ['gradflow-norms', 'gradflow-accuracy'],
  charlm: ['charlm-loss', 'charlm-perplexity'],
  surnames: ['surnames-loss', 'surnames-accuracy', 'surnames-confusion'],
  'custom-cell': ['custom-loss'],
} as const;

/** A report section's id. */
export type SectionId = keyof typeof expectedCharts;

/** Every section id, in report order. */
export const sectionIds = Object.keys(expectedCharts) as SectionId[];

/** Keeps at most `max` evenly spaced points of a long curve (the SVG stays small). */
function thin<T>(xs: readonly T[], max = 300): { x: number; v: T }[] {
  const every = Math.max(1, Math.ceil(xs.length / max));
  const out: { x: number; v: T }[] = [];
  xs.forEach((v, i) => {
    if (i % every === 0 || i === xs.length - 1) out.push({ x: i + 1, v });
  });
  return out;
}

/** Exponential moving average, to read noisy minibatch losses. */
function smooth(xs: readonly number[], alpha = 0.1): number[] {
  let m = xs[0] ?? 0;
  return xs.map((x) => (m = alpha * x + (1 - alpha) * m));
}

const text = (t: string): Block => ({ kind: 'text', text: t });

/** Section 1: sine-wave prediction. */
export async function sineSection(r: SineResult): Promise<Section> {
  const lossRows: Row[] = r.runs.flatMap((run) => thin(run.losses).map(({ x, v }) => ({ epoch: x, loss: v, model: run.model })));
  const predRows: Row[] = [
    ...r.window.targets.map((y, t) => ({ step: t + 1, value: y, series: 'target' })),
    ...r.runs.flatMap((run) => run.prediction.map((y, t) => ({ step: t + 1, value: y, series: run.model }))),
  ];
  const c = r.config;
  return {
    id: 'sine',
    title: '1. Sine-wave prediction',
    blocks: [
      text(
        `x = sin t at 100 points of [0, 4π], windows of ${c.window} steps, target = the next value at every step. ` +
          `Each model: ${c.layers} layer(s) of ${c.hidden} units and a dense output, trained full-batch with Adam (lr ${c.lr}) for ${c.epochs} epochs ` +
          `on the first ${100 - c.window - c.heldOut} windows; the last ${c.heldOut} are held out. The bidirectional LSTM reads each window both ways, so it ` +
          `sees x[t+1] — the very value it must predict — through its backward direction: its low loss is a leak, not skill.`,
      ),
      { kind: 'table', head: ['model', 'final train MSE', 'held-out MSE', 'ms / epoch'], rows: r.runs.map((x) => [x.model, x.finalLoss, x.heldOutLoss, x.msPerEpoch]) },
      { kind: 'chart', id: 'sine-loss', svg: await lineChart({ title: 'Training loss (MSE)', rows: lossRows, x: 'epoch', y: 'loss', color: 'model', logY: true, integerX: true }) },
      {
        kind: 'chart',
        id: 'sine-prediction',
        svg: await lineChart({ title: 'Held-out window: next-value predictions vs target', rows: predRows, x: 'step', y: 'value', color: 'series', points: true, integerX: true }),
      },
    ],
  };
}

/** Section 2: architecture comparison. */
export async function architecturesSection(r: ArchitecturesResult): Promise<Section> {
  const rows: Row[] = r.runs.map((x) => ({ cell: x.cell, layers: `${x.layers} layer${x.layers > 1 ? 's' : ''}`, hidden: x.hidden, loss: x.finalLoss, ms: x.msPerEpoch }));
  return {
    id: 'architectures',
    title: '2. Architecture comparison',
    blocks: [
      text(`Cell × layers × hidden size on the sine task, ${r.config.epochs} epochs each with the same seed and learning rate (${r.config.lr}).`),
      {
        kind: 'table',
        head: ['cell', 'layers', 'hidden', 'final train MSE', 'held-out MSE', 'ms / epoch'],
        rows: r.runs.map((x) => [x.cell, x.layers, x.hidden, x.finalLoss, x.heldOutLoss, x.msPerEpoch]),
      },
      {
        kind: 'chart',
        id: 'arch-loss',
        svg: await lineChart({ title: 'Final training loss vs hidden size', rows, x: 'hidden', y: 'loss', color: 'cell', dash: 'layers', points: true, logX: true, logY: true, xTitle: 'hidden units (log)', yTitle: 'final MSE (log)' }),
      },
      {
        kind: 'chart',
        id: 'arch-time',
        svg: await scatterChart({ title: 'Cost vs result', rows, x: 'ms', y: 'loss', color: 'cell', shape: 'layers', size: 'hidden', xTitle: 'ms per epoch', yTitle: 'final MSE', logY: true }),
      },
    ],
  };
}

/** Section 3: gradient flow. */
export async function gradientFlowSection(r: GradientFlowResult): Promise<Section> {
  const normRows: Row[] = r.norms.flatMap((n) => [
    ...n.initial.map((v, t) => ({ t: t + 1, norm: Math.max(v, 1e-300), cell: n.cell, when: 'at initialisation' })),
    ...n.trained.map((v, t) => ({ t: t + 1, norm: Math.max(v, 1e-300), cell: n.cell, when: `after ${n.trainSteps} steps` })),
  ]);
  const accRows: Row[] = r.accuracy.map((a) => ({ length: a.length, accuracy: a.accuracy, cell: a.cell }));
  const c = r.config;
  return {
    id: 'gradient-flow',
    title: '3. Gradient flow and sequence length',
    blocks: [
      text(
        `The adding problem at T = ${c.length} (batch ${c.batch}, hidden ${c.hidden}; LSTM forget-gate bias ${c.forgetBias} at initialisation). ` +
          `The loss reads the last step; the tape gives ∂L/∂h_t for every recorded hidden state h_t (computed in float64). ` +
          `The ratio ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ says how much of the error signal reaches the first step.`,
      ),
      {
        kind: 'table',
        head: ['cell', '‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at init', 'after training', 'training steps'],
        rows: r.norms.map((n) => [n.cell, n.ratioInitial, n.ratioTrained, n.trainSteps]),
      },
      { kind: 'chart', id: 'gradflow-norms', svg: await lineChart({ title: `‖∂L/∂h_t‖ over time steps (T = ${c.length})`, rows: normRows, x: 't', y: 'norm', color: 'cell', dash: 'when', logY: true, yTitle: '‖∂L/∂h_t‖ (log)' }) },
      text(
        `Accuracy (prediction within ±0.04 of the sum; always answering 1 scores about 0.08) after ${c.lengthSteps} training steps at each length.`,
      ),
      { kind: 'table', head: ['cell', 'T', 'accuracy', 'test MSE'], rows: r.accuracy.map((a) => [a.cell, a.length, a.accuracy, a.mse]) },
      { kind: 'chart', id: 'gradflow-accuracy', svg: await lineChart({ title: 'Adding-problem accuracy vs sequence length', rows: accRows, x: 'length', y: 'accuracy', color: 'cell', points: true, integerX: true, logX: true, xTitle: 'sequence length T (log)' }) },
    ],
  };
}

/** Section 4: the character language model. */
export async function charLmSection(r: CharLmResult): Promise<Section> {
  const c = r.config;
  const lossRows: Row[] = [
    ...thin(smooth(r.trainLosses)).map(({ x, v }) => ({ step: x, loss: v, split: 'train (smoothed)' })),
    ...r.evals.map((e) => ({ step: e.step, loss: e.loss, split: 'validation' })),
  ];
  const pplRows: Row[] = [
    ...r.evals.map((e) => ({ step: e.step, perplexity: e.perplexity, model: `${c.cell.toUpperCase()} ${c.layers}×${c.hidden}` })),
    ...r.evals.map((e) => ({ step: e.step, perplexity: r.ngram.perplexity, model: `${r.ngram.order}-gram Kneser–Ney` })),
  ];
  const last = r.evals[r.evals.length - 1];
  return {
    id: 'charlm',
    title: '4. Character language model (tiny Shakespeare)',
    blocks: [
      text(
        `Embedding ${c.embed} → ${c.layers}-layer ${c.cell.toUpperCase()} (${c.hidden} units) → dense over ${r.vocabSize} characters. Truncated BPTT: ` +
          `${c.batch} rows × ${c.seqLen} steps per batch, ${r.trainLosses.length} steps (${Math.round(r.tokensPerSecond)} tokens/s), ` +
          `Adam with cosine decay from ${c.lr}, gradients clipped to norm 5. Validation: the first ${c.evalChars} characters after the 90% training split.`,
      ),
      {
        kind: 'table',
        head: ['model', 'validation loss (nats/char)', 'perplexity'],
        rows: [
          [`${c.cell.toUpperCase()} ${c.layers}×${c.hidden} (step ${last?.step ?? 0})`, last?.loss ?? NaN, last?.perplexity ?? NaN],
          [`${r.ngram.order}-gram interpolated Kneser–Ney`, Math.log(r.ngram.perplexity), r.ngram.perplexity],
        ],
      },
      { kind: 'chart', id: 'charlm-loss', svg: await lineChart({ title: 'Loss (nats per character)', rows: lossRows, x: 'step', y: 'loss', color: 'split', points: false }) },
      { kind: 'chart', id: 'charlm-perplexity', svg: await lineChart({ title: 'Validation perplexity vs the n-gram baseline', rows: pplRows, x: 'step', y: 'perplexity', color: 'model', points: true }) },
      ...r.samples.map((s): Block => ({ kind: 'pre', title: s.method, text: s.text })),
    ],
  };
}

/** Section 5: surname classification. */
export async function surnamesSection(r: SurnamesResult): Promise<Section> {
  const lossRows: Row[] = thin(smooth(r.trainLosses, 0.05)).map(({ x, v }) => ({ step: x, loss: v, split: 'train (smoothed)' }));
  const accRows: Row[] = r.perClass.map((p) => ({ language: p.language, accuracy: p.accuracy }));
  const confRows: Row[] = r.confusion.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return row.map((n, j) => ({ actual: r.languages[i], predicted: r.languages[j], fraction: n / total }));
  });
  const c = r.config;
  return {
    id: 'surnames',
    title: '5. Sequence classification: surname → language',
    blocks: [
      text(
        `A bidirectional ${c.cell.toUpperCase()} (${c.hidden} units each way, embedding ${c.embed}) over padded, length-bucketed batches of ${c.batch}; the final ` +
          `forward and backward states feed a dense layer over ${r.languages.length} languages. ${c.epochs} epoch(s), ` +
          `${r.trainSize} training names; accuracy on ${r.testSize} test names (stratified split).`,
      ),
      {
        kind: 'table',
        head: ['overall test accuracy', 'balanced accuracy (mean per class)', 'majority-class baseline'],
        rows: [[r.accuracy, r.balancedAccuracy, r.majorityBaseline]],
      },
      { kind: 'table', caption: 'Per-class test accuracy', head: ['language', 'test names', 'accuracy'], rows: r.perClass.map((p) => [p.language, p.count, p.accuracy]) },
      { kind: 'chart', id: 'surnames-loss', svg: await lineChart({ title: 'Training loss', rows: lossRows, x: 'step', y: 'loss', color: 'split' }) },
      { kind: 'chart', id: 'surnames-accuracy', svg: await barChart({ title: 'Test accuracy per language', rows: accRows, x: 'language', y: 'accuracy', width: 560 }) },
      {
        kind: 'chart',
        id: 'surnames-confusion',
        svg: await heatmap({ title: 'Confusion matrix (rows: actual, normalised)', rows: confRows, x: 'predicted', y: 'actual', value: 'fraction', order: r.languages }),
      },
    ],
  };
}

/** The custom-cell example's section. */
export async function customCellSection(r: CustomCellResult): Promise<Section> {
  const rows: Row[] = r.runs.flatMap((run) => thin(smooth(run.losses)).map(({ x, v }) => ({ step: x, loss: v, cell: run.cell })));
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
        rows: r.runs.map((x) => [x.cell, x.parameters, x.finalLoss, x.testMse, x.accuracy, x.msPerStep]),
      },
      { kind: 'chart', id: 'custom-loss', svg: await lineChart({ title: 'Training loss (smoothed)', rows, x: 'step', y: 'loss', color: 'cell', logY: true }) },
    ],
  };
}
