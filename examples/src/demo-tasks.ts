/**
 * The demo's tasks and their budgets: the quick and `--full` configurations (every
 * budget of the demo — steps, sizes, seeds — is in these two objects, so they can be
 * retuned in one place), and {@link runTask}, which trains one task and condenses its
 * results into a report section and summary rows. Used in-process and by the workers.
 */
import { fmt, type Section } from './report/html.js';
import { architecturesSection, charLmSection, customCellSection, gradientFlowSection, sineSection, surnamesSection } from './report/sections.js';
import { join } from 'node:path';
import { checkpointPlan, type CheckpointFlags } from './cli/checkpoint-flags.js';
import type { Progress } from './cli/progress.js';
import type { CheckpointPlan } from './train/checkpoint.js';
import { withCheckpoints } from './report/section-kit.js';
import * as architectures from './tasks/architectures.js';
import * as charlm from './tasks/charlm.js';
import * as customCell from './tasks/custom-cell.js';
import * as gradientFlow from './tasks/gradient-flow.js';
import { reachRatio } from './tasks/gradient-flow.js';
import * as sine from './tasks/sine.js';
import * as surnames from './tasks/surnames.js';

/** The tasks, in the tutorial's order. */
export const demoTasks = ['sine', 'architectures', 'gradient-flow', 'charlm', 'surnames', 'custom-cell'] as const;

/** One of {@link demoTasks}. */
export type DemoTask = (typeof demoTasks)[number];

/** Every task's configuration for one mode. */
export interface DemoConfigs {
  readonly sine: sine.SineConfig;
  readonly architectures: architectures.ArchitecturesConfig;
  readonly gradientFlow: gradientFlow.GradientFlowConfig;
  readonly charlm: charlm.CharLmConfig;
  readonly surnames: surnames.SurnamesConfig;
  readonly customCell: customCell.CustomCellConfig;
}

/**
 * The quick configuration: every task in about three minutes on two cores. Every budget
 * of the demo — steps, sizes, seeds — is in these two objects (the tasks' defaults are
 * the quick ones), so they can be retuned in one place when the kernels get faster.
 */
export const quick: DemoConfigs = {
  sine: sine.sineDefaults,
  architectures: architectures.architecturesDefaults,
  gradientFlow: gradientFlow.gradientFlowDefaults,
  charlm: charlm.charLmDefaults,
  surnames: surnames.surnamesDefaults,
  customCell: customCell.customCellDefaults,
};

/**
 * The long configuration (`--full`): longer sequences (T = 100), two-layer grids, a
 * bigger language model trained for longer, and the custom-cell comparison. Sized for
 * about ten minutes on two worker threads with the wasm kernels.
 */
export const full: DemoConfigs = {
  sine: { ...sine.sineDefaults, hidden: 32, epochs: 500 },
  architectures: { ...architectures.architecturesDefaults, layers: [1, 2], epochs: 200 },
  gradientFlow: { ...gradientFlow.gradientFlowDefaults, lengths: [10, 25, 50, 100], maxSteps: 2500, searchSteps: 400 },
  charlm: {
    ...charlm.charLmDefaults,
    hidden: 128,
    embed: 32,
    batch: 32,
    seqLen: 64,
    steps: 600,
    lr: 5e-3,
    evals: 6,
    evalChars: 20_000,
    word: { hidden: 128, embed: 64, vocab: 3000, batch: 32, seqLen: 16, steps: 250, lr: 5e-3 },
  },
  surnames: { ...surnames.surnamesDefaults, hidden: 64, epochs: 6, lr: 5e-3 },
  customCell: { ...customCell.customCellDefaults, length: 50, steps: 600 },
};

/** One task's contribution: its report section and its rows of the summary table. */
export interface Outcome {
  readonly section: Section;
  readonly summary: (readonly (string | number)[])[];
}

/** Where each task's configuration is in {@link DemoConfigs}. */
const configKey: Record<DemoTask, keyof DemoConfigs> = { sine: 'sine', architectures: 'architectures', 'gradient-flow': 'gradientFlow', charlm: 'charlm', surnames: 'surnames', 'custom-cell': 'customCell' };

/**
 * One task's `--save`/`--resume` plan: its own sub-folder of each folder (two tasks may
 * name a run alike, e.g. the adding problem's LSTM), its own config stored in every
 * checkpoint, and its own provenance lines for its section.
 */
export function taskPlan(task: DemoTask, flags: CheckpointFlags, c: DemoConfigs): CheckpointPlan {
  const under = (root: string | undefined): string | undefined => (root === undefined ? undefined : join(root, task));
  return checkpointPlan({ ...flags, save: under(flags.save), resume: under(flags.resume) }, c[configKey[task]]);
}

/**
 * Runs one task and condenses its results; when its runs were saved or resumed
 * (`progress.checkpoints`), its section ends by naming their checkpoints.
 */
export async function runTask(task: DemoTask, c: DemoConfigs, progress: Progress): Promise<Outcome> {
  const outcome = await taskOutcome(task, c, progress);
  return { ...outcome, section: withCheckpoints(outcome.section, progress.checkpoints?.provenance ?? []) };
}

async function taskOutcome(task: DemoTask, c: DemoConfigs, progress: Progress): Promise<Outcome> {
  switch (task) {
    case 'sine': {
      const r = await sine.run(c.sine, progress);
      return { section: await sineSection(r), summary: r.runs.map((x) => ['sine', `${x.model} final MSE (held-out)`, `${fmt(x.finalLoss)} (${fmt(x.heldOutLoss)})`]) };
    }
    case 'architectures': {
      const r = await architectures.run(c.architectures, progress);
      const best = [...r.runs].sort((a, b) => a.finalLoss - b.finalLoss)[0];
      const row = best === undefined ? '—' : `${best.cell} ${best.layers}×${best.hidden} (${best.parameters} parameters, seed ${best.seed}): MSE ${fmt(best.finalLoss)}, ${fmt(best.msPerEpoch, 3)} ms/epoch`;
      return { section: await architecturesSection(r), summary: [['architectures', `best of ${r.runs.length} runs`, row]] };
    }
    case 'gradient-flow': {
      const r = await gradientFlow.run(c.gradientFlow, progress);
      const longest = Math.max(...r.sweep.map((x) => x.length));
      return {
        section: await gradientFlowSection(r),
        summary: [
          ...r.sweep.filter((x) => x.length === longest).map((x) => ['gradient flow', `${x.cell} adding accuracy at T=${x.length} (chance ${fmt(x.chance, 2)})`, `${fmt(x.accuracy, 3)} after ${x.steps} steps`]),
          ...r.sweep.filter((x) => x.length === longest).map((x) => ['gradient flow', `${x.cell} |dL/dh_1|/|dL/dh_T| at T=${x.length} (init → trained)`, `${fmt(reachRatio(x.normsInitial), 3)} → ${fmt(reachRatio(x.normsTrained), 3)}`]),
          ...r.exploding.map((e) => ['gradient flow', `exploding RNN, clipping ${e.clipped ? 'on' : 'off'}: test MSE`, fmt(e.testMse, 3)]),
        ],
      };
    }
    case 'charlm': {
      const r = await charlm.run(c.charlm, progress);
      const best = [...r.ngrams].sort((a, b) => a.testPerplexity - b.testPerplexity)[0];
      return {
        section: await charLmSection(r),
        summary: [
          ...r.runs.map((x) => ['LM', `${r.config.cell.toUpperCase()} ${r.config.layers}×${r.config.hidden} dropout ${x.dropout}: test perplexity`, fmt(Math.exp(x.testLoss), 4)]),
          ['LM', `best n-gram (order ${best?.order ?? '—'}, Kneser–Ney): test perplexity`, fmt(best?.testPerplexity ?? NaN, 4)],
          ...(r.word === undefined ? [] : [['LM', 'word-level: test perplexity per word', fmt(Math.exp(r.word.testLoss), 4)]]),
        ],
      };
    }
    case 'surnames': {
      const r = await surnames.run(c.surnames, progress);
      return {
        section: await surnamesSection(r),
        summary: [['surnames', `bi-${r.config.cell.toUpperCase()} test accuracy (balanced; majority baseline)`, `${fmt(r.accuracy, 3)} (${fmt(r.balancedAccuracy, 3)}; ${fmt(r.majorityBaseline, 3)})`]],
      };
    }
    case 'custom-cell': {
      const r = await customCell.run(c.customCell, progress);
      return {
        section: await customCellSection(r),
        summary: [
          ['custom cell', 'mgu gradient check', r.gradientCheck.ok ? 'ok' : 'FAILED'],
          ...r.runs.map((x) => ['custom cell', `${x.cell} adding T=${c.customCell.length} test MSE (accuracy)`, `${fmt(x.testMse)} (${fmt(x.accuracy, 3)})`]),
        ],
      };
    }
  }
}

/** Relative cost of each task in the quick run, to start the longest first when tasks run in parallel. */
export const taskCost: Record<DemoTask, number> = { 'gradient-flow': 5, charlm: 4, architectures: 3, surnames: 1, sine: 1, 'custom-cell': 1 };
