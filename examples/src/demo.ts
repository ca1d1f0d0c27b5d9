#!/usr/bin/env node
/**
 * `pnpm demo`: the whole tutorial in one run. Trains every task in its default (quick)
 * or `--full` configuration, prints a summary table, and writes `report/index.html`
 * (relative to the directory it is started from — the repository root under pnpm).
 *
 * Ctrl-C finishes the current training step, skips the remaining tasks, writes the
 * report with what has completed, and exits with code 130. `--save DIR` and
 * `--resume DIR` work as in every example, with one sub-folder per task; each task's
 * section of the report names the checkpoints its runs were saved to or resumed from.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeFileAtomic } from '@tapestry/core/node';
import { backendFlag, describeBackend, installBackend, type BackendChoice } from './cli/backend.js';
import { checkpointFlags, type CheckpointFlags } from './cli/checkpoint-flags.js';
import { flag, parseOrExit } from './cli/flags.js';
import { invocationDir } from './cli/main.js';
import { consoleProgress, installInterruptHandler } from './cli/progress.js';
import { textTable } from './cli/summaries.js';
import { demoTasks, full, quick, runTask, taskPlan, taskCost, type DemoTask, type Outcome } from './demo-tasks.js';
import type { ToWorker } from './demo-worker.js';
import { renderHtml } from './report/html.js';

export { demoTasks, full, quick, type DemoConfigs, type DemoTask } from './demo-tasks.js';

const flags = {
  full: flag.bool('run the long configurations (bigger models, longer sequences), custom-cell included'),
  only: flag.choices(demoTasks, [], 'tasks to run (comma-separated; default: the five tutorial tasks, and custom-cell with --full)'),
  backend: backendFlag,
  jobs: flag.int(Math.min(2, availableParallelism()), 'tasks run at once, each on its own thread (default: 2, or 1 on a single core)', { min: 1, max: 16 }),
  out: flag.path('where to write the report', { default: 'report/index.html' }),
  ...checkpointFlags,
};

async function main(): Promise<number> {
  const f = parseOrExit('pnpm demo', 'Runs the RNN/LSTM/GRU tutorial end to end and writes an HTML report.', flags);
  console.log(describeBackend(installBackend(f.backend)));
  const stopRequested = installInterruptHandler();
  const start = performance.now();
  const tasks = f.only.length > 0 ? f.only : demoTasks.filter((t) => f.full || t !== 'custom-cell');
  const checkpoints: CheckpointFlags = { save: f.save, resume: f.resume, saveEvery: f.saveEvery };
  const done = f.jobs === 1 ? await inProcess(tasks, f.full, checkpoints, stopRequested) : await inWorkers(tasks, f.jobs, f.full, f.backend, checkpoints, stopRequested);
  // The report keeps the tutorial's order, whatever order the tasks finished in.
  const outcomes = tasks.flatMap((t) => {
    const d = done.get(t);
    return d === undefined ? [] : [{ ...d.outcome, summary: [...d.outcome.summary, [d.outcome.summary[0]?.[0] ?? t, 'time', `${d.seconds.toFixed(1)} s`]] }];
  });
  const skipped = tasks.filter((t) => !done.has(t));
  const seconds = (performance.now() - start) / 1000;
  const rows = [...outcomes.flatMap((o) => o.summary), ['demo', 'wall time', `${seconds.toFixed(1)} s`]];
  process.stdout.write(`\n${textTable(['task', 'measure', 'value'], rows).join('\n')}\n`);

  const out = resolve(invocationDir(), f.out ?? 'report/index.html');
  mkdirSync(dirname(out), { recursive: true });
  const notes = skipped.length > 0 ? [`Interrupted with Ctrl-C: ${skipped.join(', ')} did not run; the tasks running at the time stopped early.`] : [];
  writeFileAtomic(
    out,
    renderHtml({
      title: 'Tapestry: recurrent networks, end to end',
      meta: [`pnpm demo${f.full ? ' --full' : ''} --backend ${f.backend} --jobs ${f.jobs}${checkpointArgs(checkpoints)} — ${seconds.toFixed(1)} s wall time on ${new Date().toISOString().slice(0, 10)}; every run seeded.`],
      summary: { kind: 'table', head: ['task', 'measure', 'value'], rows },
      sections: outcomes.map((o) => o.section),
      notes,
    }),
  );
  process.stdout.write(`wrote ${out}\n`);
  return stopRequested() ? 130 : 0;
}

/** A finished task: its outcome and how long it took. */
interface Done {
  readonly outcome: Outcome;
  readonly seconds: number;
}

/** The `--save`/`--resume` flags as given, for the report's command line. */
function checkpointArgs(c: CheckpointFlags): string {
  return `${c.save === undefined ? '' : ` --save ${c.save}`}${c.resume === undefined ? '' : ` --resume ${c.resume}`}${c.saveEvery ? ` --save-every ${c.saveEvery}` : ''}`;
}

/** Runs the tasks one after another on this thread. */
async function inProcess(tasks: readonly DemoTask[], isFull: boolean, checkpoints: CheckpointFlags, stopRequested: () => boolean): Promise<Map<DemoTask, Done>> {
  const configs = isFull ? full : quick;
  const done = new Map<DemoTask, Done>();
  for (const task of tasks) {
    if (stopRequested()) break;
    // Each task its own plan: its own sub-folder and config, and its section names its checkpoints.
    const progress = consoleProgress({ stopRequested, checkpoints: taskPlan(task, checkpoints, configs) });
    progress.log(`\n== ${task} ==`);
    const t0 = performance.now();
    done.set(task, { outcome: await runTask(task, configs, progress), seconds: (performance.now() - t0) / 1000 });
  }
  return done;
}

/**
 * Runs the tasks on `jobs` worker threads, the costliest first, each worker taking the
 * next task when it is free. Ctrl-C is passed on to every worker; tasks not yet started
 * are skipped.
 */
function inWorkers(tasks: readonly DemoTask[], jobs: number, isFull: boolean, backend: BackendChoice, checkpoints: CheckpointFlags, stopRequested: () => boolean): Promise<Map<DemoTask, Done>> {
  const queue = [...tasks].sort((a, b) => taskCost[b] - taskCost[a]);
  const done = new Map<DemoTask, Done>();
  const workers: Worker[] = [];
  process.on('SIGINT', () => workers.forEach((w) => w.postMessage({ kind: 'stop' } satisfies ToWorker)));
  return new Promise((resolvePool, rejectPool) => {
    let running = 0;
    const next = (w: Worker): void => {
      const task = stopRequested() ? undefined : queue.shift();
      if (task === undefined) {
        void w.terminate();
        if (--running === 0) resolvePool(done);
        return;
      }
      process.stderr.write(`== ${task} ==\n`);
      w.postMessage({ kind: 'run', task, checkpoints } satisfies ToWorker);
    };
    const count = Math.min(jobs, queue.length); // before the loop: starting a worker takes a task off the queue
    for (let k = 0; k < count; k++) {
      const w = new Worker(new URL('./demo-worker.js', import.meta.url), { workerData: { backend, mode: isFull ? 'full' : 'quick' } });
      workers.push(w);
      running++;
      w.on('message', (m: { task: DemoTask; outcome?: Outcome; seconds?: number; error?: string }) => {
        if (m.error !== undefined) {
          workers.forEach((x) => void x.terminate());
          rejectPool(new Error(`${m.task}: ${m.error}`));
          return;
        }
        if (m.outcome !== undefined) done.set(m.task, { outcome: m.outcome, seconds: m.seconds ?? NaN });
        next(w);
      });
      w.on('error', (e) => rejectPool(e));
      next(w);
    }
    if (running === 0) resolvePool(done);
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
