/**
 * PyTorch's columns: `bench/pytorch/run.py` run by a Python that can `import torch`, one
 * process per job like the Node children. The script sets OpenBLAS's core type and the
 * thread counts itself before torch loads (see bench/pytorch/blas_env.py).
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CELLS, CHARLM, LONGSEQ, ADAM, SEEDS, SINE_TRAIN } from './data/sizes.js';
import { planData, type PlanData } from './plans.js';
import type { ChildReport, Job } from './protocol.js';
import type { ImplId } from './types.js';
import { workloadSpec } from './workloads.js';

const SCRIPT = fileURLToPath(new URL('../pytorch/run.py', import.meta.url));
const REPORT_PREFIX = 'TAPESTRY-BENCH-REPORT ';

/** Threads each PyTorch column computes with. */
export const PYTORCH_THREADS: Readonly<Partial<Record<ImplId, 1 | 'all'>>> = { 'pytorch-1t': 1, 'pytorch-all': 'all' };

export function isPytorch(id: ImplId): boolean {
  return PYTORCH_THREADS[id] !== undefined;
}

/** What `run.py --probe` reports: the software and BLAS the PyTorch columns ran on. */
export interface PytorchInfo {
  readonly python: string;
  readonly interpreter: string;
  readonly torch: string;
  readonly cores: number;
  readonly cpuCapability: string;
  readonly requestedCoreType: string;
  readonly replacedEnv: Readonly<Record<string, string>>;
  readonly blas: {
    readonly libraries: readonly string[];
    readonly openblasCore?: string;
    readonly openblasConfig?: string;
  };
}

/** Found, or why not (the PyTorch columns then show `—` with this reason). */
export type PytorchProbe = { readonly ok: true; readonly info: PytorchInfo } | { readonly ok: false; readonly reason: string };

/**
 * Interpreters tried in order: `TAPESTRY_BENCH_PYTHON` if set, `python3` on PATH, then the
 * system one — apt installs python3-torch there, and a version manager's `python3` on PATH
 * (pyenv, conda) usually cannot see it.
 */
function candidates(): string[] {
  const chosen = process.env.TAPESTRY_BENCH_PYTHON;
  return chosen !== undefined && chosen !== '' ? [chosen] : ['python3', '/usr/bin/python3'];
}

/** The report line of run.py's output, parsed; undefined when there is none. */
function reportLine<T>(stdout: string): T | undefined {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(REPORT_PREFIX));
  return line === undefined ? undefined : (JSON.parse(line.slice(REPORT_PREFIX.length)) as T);
}

/** Finds a Python that imports torch, and what it runs on. Never throws. */
export function probePytorch(): PytorchProbe {
  const tried: string[] = [];
  for (const python of candidates()) {
    try {
      const out = execFileSync(python, [SCRIPT, '--probe'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
      const info = reportLine<Omit<PytorchInfo, 'interpreter'> & { outcome?: { reason: string } }>(out);
      if (info?.torch !== undefined) return { ok: true, info: { ...info, interpreter: python } };
      tried.push(`${python}: ${info?.outcome?.reason ?? 'no report'}`);
    } catch (err) {
      tried.push(`${python}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  return { ok: false, reason: `no Python with torch (${tried.join('; ')})` };
}

/** What run.py receives: the job plus everything it must agree on with the other implementations. */
export interface PythonJob extends Job {
  readonly threads: 1 | 'all';
  readonly unit: string;
  readonly plan: PlanData;
  readonly sizes: Readonly<Record<string, unknown>>;
}

export function pythonJob(job: Job): PythonJob {
  const threads = PYTORCH_THREADS[job.impl];
  if (threads === undefined) throw new Error(`${job.impl} is not a PyTorch implementation`);
  return {
    ...job,
    threads,
    unit: workloadSpec(job.workload).unit,
    plan: planData(job.workload, job.variant, job.opts.quick),
    sizes: { CHARLM, LONGSEQ, SINE_TRAIN, CELLS, ADAM, SEEDS },
  };
}

/**
 * Runs one job in Python; resolves to its ChildReport, or undefined (with the output's
 * tail) when the process died without one. `kill` ends it (the runner's time limit).
 */
export function runPython(python: string, job: Job): { done: Promise<{ report?: ChildReport; output: string; code: number | null }>; kill: () => void } {
  const child = spawn(python, [SCRIPT, JSON.stringify(pythonJob(job))], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const done = new Promise<{ report?: ChildReport; output: string; code: number | null }>((resolve) => {
    child.on('error', (e) => resolve({ output: e.message, code: null }));
    child.on('exit', (code) => {
      const stdout = out.join('');
      resolve({ report: reportLine<ChildReport>(stdout), output: `${stdout}${err.join('')}`, code });
    });
  });
  return { done, kill: () => child.kill('SIGKILL') };
}

/**
 * One line for the machine section: torch and Python versions, the BLAS library and the
 * OpenBLAS kernels it dispatched to, and what the launcher changed in the environment.
 */
export function describePytorch(probe: PytorchProbe): string {
  if (!probe.ok) return `not run: ${probe.reason}`;
  const { info } = probe;
  const blas = info.blas.openblasConfig !== undefined
    ? `${info.blas.openblasConfig.split(' ').slice(0, 2).join(' ')} with its ${info.blas.openblasCore ?? '?'} kernels`
    : `not OpenBLAS: ${info.blas.libraries.join(', ') || 'no BLAS mapped'} (a reference BLAS runs matmul at a few GFLOP/s; install libopenblas0-pthread)`;
  const replaced = Object.entries(info.replacedEnv).map(([k, v]) => `${k}=${v}`);
  const launch = `core type ${info.requestedCoreType} set from the CPU flags` + (replaced.length > 0 ? `, replacing ${replaced.join(' and ')} from the environment` : '');
  return `torch ${info.torch} (Python ${info.python}); BLAS: ${blas} (${launch}); ATen kernels: ${info.cpuCapability}; all cores = ${info.cores} threads`;
}
