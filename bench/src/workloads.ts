import type { ImplId, WorkloadId } from './types.js';

/** One workload of WORKLOADS.md with the variants every implementation runs. */
export interface WorkloadSpec {
  readonly id: WorkloadId;
  /** Short name from WORKLOADS.md (`sine`, `charlm`, ...). */
  readonly name: string;
  readonly variants: readonly string[];
  /** Unit of the headline figure; every implementation must report in it. */
  readonly unit: string;
}

/** One table row: a workload variant. */
export interface Case {
  readonly workload: WorkloadId;
  readonly variant: string;
}

export const WORKLOADS: readonly WorkloadSpec[] = [
  { id: 'W1', name: 'sine', variants: ['rnn', 'lstm', 'gru', 'bilstm'], unit: 'ms/epoch' },
  { id: 'W2', name: 'charlm', variants: ['lstm', 'gru'], unit: 'tokens/s' },
  { id: 'W3', name: 'longseq', variants: ['rnn', 'lstm'], unit: 'ms/iter' },
  { id: 'W4', name: 'generate', variants: ['lstm'], unit: 'tokens/s' },
  { id: 'W5', name: 'matmul', variants: ['64', '256', '1024'], unit: 'GFLOP/s' },
  { id: 'W6', name: 'cells', variants: ['gru-h16', 'mgu-h16', 'gru-h128', 'mgu-h128'], unit: 'ms/step' },
];

/**
 * Why `impl` does not run case `c` (the table shows `n/a`), or undefined when it does.
 * W6 compares a cell written with public ops (MGU) with the built-in GRU: Tapestry runs
 * both; PyTorch has no MGU, so it runs the GRU rows for reference; tfjs is left out.
 */
export function notApplicable(c: Case, impl: ImplId): string | undefined {
  if (c.workload !== 'W6') return undefined;
  if (impl.startsWith('tfjs')) return 'W6 compares Tapestry\'s cells (and PyTorch\'s GRU); tfjs is not run';
  if (impl.startsWith('pytorch') && !c.variant.startsWith('gru-')) return 'PyTorch has no MGU cell (its GRU row is the reference)';
  return undefined;
}

export function workloadSpec(id: WorkloadId): WorkloadSpec {
  const spec = WORKLOADS.find((w) => w.id === id);
  if (spec === undefined) throw new Error(`unknown workload ${id}`);
  return spec;
}

/** Every case, in table order. */
export function allCases(): Case[] {
  return WORKLOADS.flatMap((w) => w.variants.map((variant) => ({ workload: w.id, variant })));
}

/** Row label such as `W2 charlm/gru`. */
export function caseLabel(c: Case): string {
  return `${c.workload} ${workloadSpec(c.workload).name}/${c.variant}`;
}

/**
 * Does `--only` pattern select this case? Patterns: `W1`, `sine`, `W1:lstm`,
 * `sine:lstm` (case-insensitive).
 */
export function caseMatches(c: Case, pattern: string): boolean {
  const [head = '', variant] = pattern.toLowerCase().split(':');
  const spec = workloadSpec(c.workload);
  const workloadHit = head === spec.id.toLowerCase() || head === spec.name;
  return workloadHit && (variant === undefined || variant === c.variant);
}
