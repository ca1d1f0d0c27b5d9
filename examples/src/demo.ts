#!/usr/bin/env node
/**
 * `pnpm demo`: the whole tutorial in one run. Trains every task in its default (quick)
 * or `--full` configuration, prints a summary table, and writes `report/index.html`
 * (relative to the directory it is started from — the repository root under pnpm).
 *
 * Ctrl-C finishes the current training step, skips the remaining tasks, writes the
 * report with what has completed, and exits with code 130.
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '@tapestry/core/node';
import { dirname, resolve } from 'node:path';
import { backendFlag, describeBackend, installBackend } from './cli/backend.js';
import { flag, parseOrExit } from './cli/flags.js';
import { invocationDir } from './cli/main.js';
import { consoleProgress, installInterruptHandler, type Progress } from './cli/progress.js';
import { textTable } from './cli/summaries.js';
import { fmt, renderHtml, type Section } from './report/html.js';
import { architecturesSection, charLmSection, customCellSection, gradientFlowSection, sineSection, surnamesSection } from './report/sections.js';
import * as architectures from './tasks/architectures.js';
import * as charlm from './tasks/charlm.js';
import * as customCell from './tasks/custom-cell.js';
import * as gradientFlow from './tasks/gradient-flow.js';
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

/** The quick configuration: all tasks in about three minutes on two cores. */
export const quick: DemoConfigs = {
  sine: sine.sineDefaults,
  architectures: architectures.architecturesDefaults,
  gradientFlow: gradientFlow.gradientFlowDefaults,
  charlm: charlm.charLmDefaults,
  surnames: surnames.surnamesDefaults,
  customCell: customCell.customCellDefaults,
};

/** The long configuration (`--full`): bigger models, longer training. */
export const full: DemoConfigs = {
  sine: { ...sine.sineDefaults, hidden: 32, epochs: 500 },
  architectures: { ...architectures.architecturesDefaults, epochs: 200 },
  gradientFlow: { ...gradientFlow.gradientFlowDefaults, hidden: 32, steps: 300, lengths: [5, 10, 20, 40, 80, 160], lengthSteps: 1000 },
  charlm: { ...charlm.charLmDefaults, hidden: 256, embed: 64, batch: 64, seqLen: 64, steps: 1000, lr: 4e-3, evals: 10, evalChars: 50_000 },
  surnames: { ...surnames.surnamesDefaults, hidden: 64, epochs: 6, lr: 5e-3 },
  customCell: { ...customCell.customCellDefaults, length: 50, steps: 600 },
};

/** One task's contribution: its report section and its rows of the summary table. */
interface Outcome {
  readonly section: Section;
  readonly summary: (readonly (string | number)[])[];
}

/** Runs one task and condenses its results. */
async function runTask(task: DemoTask, c: DemoConfigs, progress: Progress): Promise<Outcome> {
  switch (task) {
    case 'sine': {
      const r = await sine.run(c.sine, progress);
      return { section: await sineSection(r), summary: r.runs.map((x) => ['sine', `${x.model} final MSE (held-out)`, `${fmt(x.finalLoss)} (${fmt(x.heldOutLoss)})`]) };
    }
    case 'architectures': {
      const r = await architectures.run(c.architectures, progress);
      const best = [...r.runs].sort((a, b) => a.finalLoss - b.finalLoss)[0];
      const row = best === undefined ? '—' : `${best.cell} ${best.layers}×${best.hidden}: MSE ${fmt(best.finalLoss)}, ${fmt(best.msPerEpoch, 3)} ms/epoch`;
      return { section: await architecturesSection(r), summary: [['architectures', `best of ${r.runs.length}`, row]] };
    }
    case 'gradient-flow': {
      const r = await gradientFlow.run(c.gradientFlow, progress);
      return {
        section: await gradientFlowSection(r),
        summary: [
          ...r.norms.map((n) => ['gradient flow', `${n.cell} |dL/dh_1|/|dL/dh_T|, T=${c.gradientFlow.length} (init → trained)`, `${fmt(n.ratioInitial, 3)} → ${fmt(n.ratioTrained, 3)}`]),
          ...r.accuracy.filter((a) => a.length === Math.max(...r.accuracy.map((x) => x.length))).map((a) => ['gradient flow', `${a.cell} adding accuracy at T=${a.length}`, fmt(a.accuracy, 3)]),
        ],
      };
    }
    case 'charlm': {
      const r = await charlm.run(c.charlm, progress);
      const last = r.evals[r.evals.length - 1];
      return {
        section: await charLmSection(r),
        summary: [
          ['char LM', `${r.config.cell.toUpperCase()} ${r.config.layers}×${r.config.hidden} val loss / perplexity`, `${fmt(last?.loss ?? NaN)} / ${fmt(last?.perplexity ?? NaN)}`],
          ['char LM', `${r.ngram.order}-gram Kneser–Ney val perplexity`, fmt(r.ngram.perplexity)],
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

const flags = {
  full: flag.bool('run the long configurations (about half an hour on two cores), custom-cell included'),
  only: flag.choices(demoTasks, [], 'tasks to run (comma-separated; default: the five tutorial tasks, and custom-cell with --full)'),
  backend: backendFlag,
  out: flag.path('where to write the report', { default: 'report/index.html' }),
};

async function main(): Promise<number> {
  const f = parseOrExit('pnpm demo', 'Runs the RNN/LSTM/GRU tutorial end to end and writes an HTML report.', flags);
  console.log(describeBackend(installBackend(f.backend)));
  const stopRequested = installInterruptHandler();
  const progress = consoleProgress({ stopRequested });
  const configs = f.full ? full : quick;
  const start = performance.now();
  const outcomes: Outcome[] = [];
  const skipped: string[] = [];
  const tasks = f.only.length > 0 ? f.only : demoTasks.filter((t) => f.full || t !== 'custom-cell');
  for (const task of tasks) {
    if (stopRequested()) {
      skipped.push(task);
      continue;
    }
    progress.log(`\n== ${task} ==`);
    const t0 = performance.now();
    const outcome = await runTask(task, configs, progress);
    const label = outcome.summary[0]?.[0] ?? task;
    outcomes.push({ ...outcome, summary: [...outcome.summary, [label, 'time', `${((performance.now() - t0) / 1000).toFixed(1)} s`]] });
  }
  const seconds = (performance.now() - start) / 1000;
  const rows = [...outcomes.flatMap((o) => o.summary), ['demo', 'wall time', `${seconds.toFixed(1)} s`]];
  process.stdout.write(`\n${textTable(['task', 'measure', 'value'], rows).join('\n')}\n`);

  const out = resolve(invocationDir(), f.out ?? 'report/index.html');
  mkdirSync(dirname(out), { recursive: true });
  const notes = skipped.length > 0 ? [`Interrupted with Ctrl-C: ${skipped.join(', ')} did not run; the task running at the time stopped early.`] : [];
  writeFileAtomic(
    out,
    renderHtml({
      title: 'Tapestry: recurrent networks, end to end',
      meta: [`pnpm demo${f.full ? ' --full' : ''} --backend ${f.backend} — ${seconds.toFixed(1)} s wall time on ${new Date().toISOString().slice(0, 10)}; every run seeded.`],
      summary: { kind: 'table', head: ['task', 'measure', 'value'], rows },
      sections: outcomes.map((o) => o.section),
      notes,
    }),
  );
  process.stdout.write(`wrote ${out}\n`);
  return stopRequested() ? 130 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
