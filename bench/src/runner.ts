import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReport, Job, Outcome, RunRecord } from './protocol.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/**
 * Seconds a child may live: its budget plus an allowance for start-up, model
 * construction and a loaded machine (3–10 s, scaled with the budget).
 */
function lifetimeSeconds(budgetSeconds: number): number {
  return budgetSeconds + Math.min(10, Math.max(3, budgetSeconds));
}

/** Keeps the last characters of a child's output, for failure reasons. */
function tail(chunks: string[], max = 400): string {
  const text = chunks.join('').trim();
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/**
 * Runs one job in its own Node process (inheriting tsx's loader flags), so its
 * peak memory and any global library state are its own. A child that outlives
 * its budget plus start-up grace is killed and recorded as skipped.
 */
export function runInChild(job: Job, cpuProfDir?: string): Promise<RunRecord> {
  const started = performance.now();
  // One folder per run: the loader's worker thread writes a profile of its own beside the main thread's.
  const profile = cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}/${job.workload}-${job.variant}-${job.impl}`];
  const child = fork(CHILD, [JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [...process.execArgv, ...profile] });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  let report: ChildReport | undefined;
  child.on('message', (m) => {
    report = m as ChildReport;
  });
  const limitSeconds = lifetimeSeconds(job.opts.budgetSeconds);
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limitSeconds * 1000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const fallback: Outcome = killed
        ? { status: 'skipped', reason: `killed after ${limitSeconds} s (budget ${job.opts.budgetSeconds} s + start-up allowance)` }
        : { status: 'failed', reason: `child exited (${signal ?? code}) without a result: ${tail(output)}` };
      const processSeconds = (performance.now() - started) / 1000;
      resolve(
        report === undefined
          ? { ...job, outcome: fallback, processSeconds }
          : { ...job, outcome: report.outcome, processSeconds, cpuShare: report.cpuSeconds / report.runSeconds },
      );
    });
  });
}
