import { formatFigure, formatRatio, formatSmall, markdownTable } from './format.js';
import { IMPL_LABELS } from './implementations.js';
import type { Machine } from './machine.js';
import type { RunRecord } from './protocol.js';
import { median } from './timing.js';
import { IMPL_IDS, type ImplId, type WorkloadResult } from './types.js';
import { allCases, type Case, caseLabel, workloadSpec } from './workloads.js';

/** Everything one `pnpm bench` invocation measured; results/latest.json holds it. */
export interface Report {
  readonly machine: Machine;
  readonly quick: boolean;
  readonly budgetSeconds: number;
  readonly only: readonly string[];
  readonly impls: readonly ImplId[];
  readonly records: readonly RunRecord[];
  /** True when the runs were slowed by `--cpu-prof`. */
  readonly profiled?: boolean;
}

const TFJS: readonly ImplId[] = ['tfjs-cpu', 'tfjs-wasm'];
const TAPESTRY: readonly ImplId[] = ['tapestry', 'tapestry-wasm', 'tapestry-native'];

function find(report: Report, c: Case, impl: ImplId): RunRecord | undefined {
  return report.records.find((r) => r.workload === c.workload && r.variant === c.variant && r.impl === impl);
}

function resultOf(record: RunRecord | undefined): WorkloadResult | undefined {
  return record?.outcome.status === 'ok' ? record.outcome.result : undefined;
}

/** Cases that were run, in workload order. */
function casesRun(report: Report): Case[] {
  return allCases().filter((c) => report.impls.some((impl) => find(report, c, impl) !== undefined));
}

/** The figure, marked q (quick) and † (cut); a unit other than the workload's is shown. */
function figureCell(report: Report, c: Case, impl: ImplId): string {
  if (!report.impls.includes(impl)) return 'not run';
  const result = resultOf(find(report, c, impl));
  if (result === undefined) return '—';
  const wrongUnit = result.unit === workloadSpec(c.workload).unit ? '' : ` ${result.unit} (!)`;
  const marks = `${report.quick ? ' q' : ''}${/budget/.test(result.note ?? '') ? ' †' : ''}`;
  return `${formatFigure(result.figure)}${wrongUnit}${marks}`;
}

/** Tapestry's speed relative to tfjs: > 1 means Tapestry is faster, for times and throughputs alike. */
function speedup(tapestry: WorkloadResult | undefined, tfjs: WorkloadResult | undefined): string {
  if (tapestry === undefined || tfjs === undefined) return '—';
  if (tapestry.unit !== tfjs.unit) return `units differ (${tapestry.unit} vs ${tfjs.unit})`;
  const ratio = tapestry.higherIsBetter ? tapestry.figure / tfjs.figure : tfjs.figure / tapestry.figure;
  return formatRatio(ratio);
}

/**
 * The headline table: one row per workload variant, a column per implementation
 * (always all of them, so the table keeps its shape under --impl), then ratios.
 */
export function headlineTable(report: Report): string {
  const pairs = TAPESTRY.flatMap((ours) => TFJS.map((theirs) => [ours, theirs] as const));
  const header = ['workload', 'unit', ...IMPL_IDS.map((i) => IMPL_LABELS[i]), ...pairs.map(([o, t]) => `${IMPL_LABELS[o]} vs ${t}`)];
  const rows = casesRun(report).map((c) => [
    caseLabel(c),
    workloadSpec(c.workload).unit,
    ...IMPL_IDS.map((impl) => figureCell(report, c, impl)),
    ...pairs.map(([o, t]) => speedup(resultOf(find(report, c, o)), resultOf(find(report, c, t)))),
  ]);
  return markdownTable(header, rows);
}

/**
 * Whether the report may stand in RESULTS.md: every workload and implementation, full
 * length, and not slowed by a profiler (a filtered run would drop columns and ratios).
 */
export function isFullRun(report: Report): boolean {
  return !report.quick && report.only.length === 0 && report.impls.length === IMPL_IDS.length && report.profiled !== true;
}

/** CPU over wall time during the run: well under 100 % means it waited for a core. */
function cpuShare(r: RunRecord): string {
  return r.cpuShare === undefined ? '' : `${Math.round(100 * r.cpuShare)} %`;
}

/** Per run: loss, memory, threads, iterations and notes. */
export function detailTable(report: Report): string {
  const header = ['workload', 'impl', 'figure', 'final loss', 'peak RSS MiB', 'threads', 'timed iters', 'process s', 'CPU/wall', 'note'];
  const rows = report.records.flatMap((r) => {
    const res = resultOf(r);
    if (res === undefined) return [];
    return [[
      caseLabel(r), IMPL_LABELS[r.impl], `${formatFigure(res.figure)} ${res.unit}`,
      res.finalLoss === undefined ? '' : res.finalLoss.toPrecision(4),
      res.peakRssMiB.toFixed(0), String(res.threads), String(res.samplesMs.length),
      r.processSeconds.toFixed(1), cpuShare(r), res.note ?? '',
    ]];
  });
  return markdownTable(header, rows);
}

/** Why some cells are "—": identical reasons grouped per implementation. */
export function missingList(report: Report): string {
  const groups = new Map<string, string[]>();
  for (const r of report.records) {
    if (r.outcome.status === 'ok') continue;
    const key = `${IMPL_LABELS[r.impl]}: ${r.outcome.status} — ${r.outcome.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), caseLabel(r)]);
  }
  return [...groups].map(([reason, cases]) => `- ${reason} (${cases.join(', ')})`).join('\n');
}

/** Gradients vanish going back from t = 511, so most columns sit near the end. */
const NORM_STEPS = [0, 256, 448, 480, 496, 504, 508, 511];

/** W3's ‖∂L/∂h_t‖ at a few t; the full 512-long series is in results/latest.json. */
export function gradNormTable(report: Report): string {
  const rows = report.records.flatMap((r) => {
    const norms = resultOf(r)?.series?.['gradNorms'];
    return norms === undefined ? [] : [[caseLabel(r), IMPL_LABELS[r.impl], ...NORM_STEPS.map((t) => formatSmall(norms[t] ?? NaN))]];
  });
  return rows.length === 0 ? '' : markdownTable(['workload', 'impl', ...NORM_STEPS.map((t) => `t=${t}`)], rows);
}

/** Threads each implementation reported, e.g. `tfjs-cpu 1, tfjs-wasm 1`. */
function threadsLine(report: Report): string {
  return report.impls
    .map((impl) => {
      const counts = new Set(report.records.filter((r) => r.impl === impl).flatMap((r) => resultOf(r)?.threads ?? []));
      return counts.size === 0 ? '' : `${IMPL_LABELS[impl]} ${[...counts].join('/')}`;
    })
    .filter((s) => s !== '')
    .join(', ');
}

/** Median CPU/wall over the runs: how much of a core the measured code actually got. */
function contentionLine(report: Report): string {
  const measured = report.records.filter((r) => r.outcome.status === 'ok');
  const shares = measured.flatMap((r) => (r.cpuShare === undefined ? [] : [r.cpuShare]));
  if (shares.length === 0) return 'no run measured';
  const pct = Math.round(100 * median(shares));
  const verdict = pct < 90 ? ' — other processes competed for the cores; figures are pessimistic' : '';
  return `median ${pct} % CPU/wall during runs${verdict}`;
}

function machineSection(report: Report): string {
  const m = report.machine;
  return [
    `- CPU: ${m.cpu}, ${m.logicalCores} logical cores (load average ${m.loadAverage.toFixed(2)} at start)`,
    `- Node ${m.node}; TensorFlow.js ${m.tfjs} (cpu and wasm backends; tfjs-node cannot be installed here)`,
    `- Threads used: ${threadsLine(report)}`,
    `- Contention: ${contentionLine(report)}`,
    `- Date: ${m.date}`,
    `- Mode: ${report.quick ? 'QUICK smoke run — fewer iterations, not for comparison' : 'full'}; ` +
      `budget ${report.budgetSeconds} s per run` +
      (report.only.length > 0 ? `; --only ${report.only.join(',')}` : '') ,
  ].join('\n');
}

const LEGEND = [
  'Each cell is one workload run in its own Node process: the median over the timed',
  'iterations after warm-up (W4: tokens/s over the 500 steps; W5: median of samples).',
  '"Tapestry" is the pure-TypeScript backend, "Tapestry wasm-simd" the same code with',
  '`setBackend(wasmBackend)` (float32 matrix products in WebAssembly SIMD).',
  '"Tapestry … vs X" is that backend\'s speed relative to X — throughput ratio, or inverse',
  'time ratio — so **> 1 means Tapestry is faster**. `—`: not measured (reasons below);',
  '`not run`: left out with --impl; `†`: iterations cut to fit the time budget (see',
  'details); `q`: quick run.',
].join('\n');

/**
 * The whole of RESULTS.md. `profiles` (PROFILE.md: what dominated before and after each
 * optimisation step, and why a missed target is missed) is appended with its headings
 * moved one level down, so the figures and their explanation travel together.
 */
export function resultsMarkdown(report: Report, profiles = ''): string {
  const norms = gradNormTable(report);
  const missing = missingList(report);
  return [
    '# Benchmark results',
    '',
    'Generated by `pnpm bench` (bench/src/main.ts); workloads W1–W5 as in WORKLOADS.md.',
    '',
    '## Machine',
    '',
    machineSection(report),
    '',
    '## Figures',
    '',
    LEGEND,
    '',
    headlineTable(report),
    '',
    ...(missing === '' ? [] : ['### Not measured', '', missing, '']),
    '## Details',
    '',
    detailTable(report),
    '',
    ...(norms === '' ? [] : ['## W3 gradient norms ‖∂L/∂h_t‖', '', norms, '']),
    ...(profiles === '' ? [] : ['## Profiles (from PROFILE.md)', '', demoteHeadings(profiles), '']),
  ].join('\n');
}

/** `# Title` → `### Title` and so on, outside code blocks. */
function demoteHeadings(markdown: string): string {
  let inCode = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (line.startsWith('```')) inCode = !inCode;
      return !inCode && /^#{1,4} /.test(line) ? `##${line}` : line;
    })
    .join('\n')
    .trim();
}
