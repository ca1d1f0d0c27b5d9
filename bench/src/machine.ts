import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { type FmaPeak, measureFmaPeak } from './fma-peak.js';
import { probePytorch, type PytorchProbe } from './pytorch.js';

/** The machine and software a run was measured on; RESULTS.md prints it. */
export interface Machine {
  readonly cpu: string;
  readonly logicalCores: number;
  readonly node: string;
  readonly tfjs: string;
  readonly date: string;
  /** 1-minute load average at start: other work on the machine skews figures. */
  readonly loadAverage: number;
  /** One core's FMA throughput per vector width (absent in reports from before it was measured). */
  readonly fmaPeak?: FmaPeak;
  /** The Python, torch and BLAS the PyTorch columns ran on, or why they did not run. */
  readonly pytorch?: PytorchProbe;
}

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: fall through to what Node knows.
  }
  return cpus()[0]?.model ?? 'unknown';
}

function tfjsVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require('@tensorflow/tfjs/package.json') as { version: string };
  return pkg.version;
}

/**
 * Describes the machine; measures the FMA peak (under a second) and looks for a Python
 * with torch only when `withPytorch` (a run that includes the PyTorch columns).
 */
export function describeMachine(withPytorch: boolean): Machine {
  return {
    cpu: cpuModel(),
    logicalCores: availableParallelism(),
    node: process.version,
    tfjs: tfjsVersion(),
    date: new Date().toISOString(),
    loadAverage: loadavg()[0] ?? 0,
    fmaPeak: measureFmaPeak(),
    pytorch: withPytorch ? probePytorch() : { ok: false, reason: 'not run (--impl)' },
  };
}
