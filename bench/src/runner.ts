import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReport, Job, Outcome, RunRecord } from './protocol.js';
import { isPytorch, runPython } from './pytorch.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/**
 * Seconds a child may live: its budget plus an allowance for start-up, model
 * construction and a loaded machine (3–10 s, scaled with the budget; Python adds 15 s:
 * importing torch takes 2 s on a quiet machine and over 10 s on a loaded one).
 */
function lifetimeSeconds(budgetSeconds: number, python: boolean): number {
  return budgetSeconds + Math.min(10, Math.max(3, budgetSeconds)) + (python ? 15 : 0);
}

/** Keeps the last characters of a child's output, for failure reasons. */
function tail(text: string, max = 400): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}

/** A started child: its report (if it sent one) once it exits, and a way to end it. */
interface Started {
  readonly done: Promise<{ report?: ChildReport; output: string; code: number | string | null }>;
  kill(): void;
}

/** A Node child (inheriting tsx's loader flags) that reports over IPC. */
function forkNode(job: Job, cpuProfDir?: string): Started {
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
  const done = new Promise<{ report?: ChildReport; output: string; code: number | string | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ report, output: output.join(''), code: signal ?? code }));
  });
  return { done, kill: () => child.kill('SIGKILL') };
}

export interface RunnerOptions {
  /** Where Node children write V8 CPU profiles; none when undefined. */
  readonly cpuProfDir?: string;
  /** The Python that runs the PyTorch columns, or why there is none. */
  readonly python: { readonly interpreter: string } | { readonly missing: string };
}

/**
 * Runs one job in its own process — Node for Tapestry and tfjs, Python for PyTorch — so
 * its peak memory and any global library state are its own. A child that outlives its
 * budget plus start-up grace is killed and recorded as skipped.
 */
export async function runInChild(job: Job, options: RunnerOptions): Promise<RunRecord> {
  const started = performance.now();
  const python = isPytorch(job.impl);
  if (python && 'missing' in options.python) {
    return { ...job, outcome: { status: 'skipped', reason: options.python.missing }, processSeconds: 0 };
  }
  const child = python && 'interpreter' in options.python ? runPython(options.python.interpreter, job) : forkNode(job, options.cpuProfDir);
  const limitSeconds = lifetimeSeconds(job.opts.budgetSeconds, python);
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill();
  }, limitSeconds * 1000);
  const { report, output, code } = await child.done;
  clearTimeout(timer);
  const processSeconds = (performance.now() - started) / 1000;
  if (report !== undefined) return { ...job, outcome: report.outcome, processSeconds, cpuShare: report.cpuSeconds / report.runSeconds };
  const fallback: Outcome = killed
    ? { status: 'skipped', reason: `killed after ${limitSeconds} s (budget ${job.opts.budgetSeconds} s + start-up allowance)` }
    : { status: 'failed', reason: `child exited (${code}) without a result: ${tail(output)}` };
  return { ...job, outcome: fallback, processSeconds };
}
