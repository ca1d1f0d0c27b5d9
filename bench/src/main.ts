/**
 * `pnpm bench`: runs every selected workload × implementation in its own child
 * process, one after another (parallel runs would compete for the cores; only
 * --quick, whose figures are not for comparison, runs two at a time to stay
 * under a minute), then prints the table and writes results/latest.json and,
 * for a full unfiltered run, RESULTS.md.
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '@tapestry/core/node';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliOptions, parseCli, USAGE } from './cli.js';
import { describeFmaPeak } from './fma-peak.js';
import { formatFigure } from './format.js';
import { IMPL_LABELS } from './implementations.js';
import { describeMachine } from './machine.js';
import type { Job, RunRecord } from './protocol.js';
import { cellsTable } from './report-cells.js';
import { headlineTable, isFullRun, missingList, type Report, resultsMarkdown } from './report.js';
import { writeResultsFile } from './results-file.js';
import { describePytorch, isPytorch } from './pytorch.js';
import { type RunnerOptions, runInChild } from './runner.js';
import { allCases, caseLabel, caseMatches, notApplicable } from './workloads.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

function jobs(cli: CliOptions): Job[] {
  const cases = allCases().filter((c) => cli.only.length === 0 || cli.only.some((p) => caseMatches(c, p)));
  if (cases.length === 0) throw new Error(`--only ${cli.only.join(',')} matches no workload`);
  const opts = { quick: cli.quick, budgetSeconds: cli.budgetSeconds };
  return cases.flatMap((c) => cli.impls.filter((impl) => notApplicable(c, impl) === undefined).map((impl) => ({ ...c, impl, opts })));
}

function progressLine(r: RunRecord): string {
  const o = r.outcome;
  const what = o.status === 'ok' ? `${formatFigure(o.result.figure)} ${o.result.unit}` : `${o.status}: ${o.reason}`;
  return `${caseLabel(r).padEnd(22)} ${IMPL_LABELS[r.impl].padEnd(18)} ${what}  (${r.processSeconds.toFixed(1)} s)`;
}

function write(report: Report, fullRun: boolean): void {
  mkdirSync(`${BENCH_DIR}/results`, { recursive: true });
  writeFileAtomic(`${BENCH_DIR}/results/latest.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(`${BENCH_DIR}/results/latest.md`, resultsMarkdown(report));
  if (fullRun) writeResultsFile(report);
  const where = fullRun ? 'RESULTS.md and results/' : 'results/ (only a full run without --only/--impl rewrites RESULTS.md)';
  console.log(`\nWritten to ${where}.`);
}

/** Runs the jobs, `concurrency` children at a time; records come back in job order. */
async function runAll(selected: readonly Job[], concurrency: number, options: RunnerOptions): Promise<RunRecord[]> {
  const records = new Array<RunRecord>(selected.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < selected.length; i = next++) {
      records[i] = await runInChild(selected[i]!, options);
      console.log(progressLine(records[i]!));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return records;
}

async function main(cli: CliOptions, selected: readonly Job[]): Promise<void> {
  const started = performance.now();
  const machine = describeMachine(selected.some((j) => isPytorch(j.impl)));
  const cpuProfDir = cli.cpuProfDir === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), cli.cpuProfDir);
  const python = machine.pytorch?.ok === true ? { interpreter: machine.pytorch.info.interpreter } : { missing: machine.pytorch?.reason ?? 'not probed' };
  console.log(`FMA peak: ${describeFmaPeak(machine.fmaPeak ?? { ok: false, reason: 'not measured' })}`);
  if (machine.pytorch !== undefined) console.log(`PyTorch: ${describePytorch(machine.pytorch)}\n`);
  const records = await runAll(selected, cli.quick ? 2 : 1, { cpuProfDir, python });
  const report: Report = { machine, quick: cli.quick, budgetSeconds: cli.budgetSeconds, only: cli.only, impls: cli.impls, records, profiled: cpuProfDir !== undefined };
  if (cli.quick) console.log('\nQUICK RUN: fewer iterations; figures marked q are not for comparison.');
  console.log('');
  console.log(headlineTable(report));
  const cells = cellsTable(records);
  if (cells !== '') console.log(`\n${cells}`);
  const missing = missingList(report);
  if (missing !== '') console.log(`\n${missing}`);
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  write(report, isFullRun(report));
}

/** Command line and job list, or a usage message and exit code 2. */
function parseOrExit(): { cli: CliOptions; selected: Job[] } {
  try {
    const cli = parseCli(process.argv.slice(2));
    return { cli, selected: jobs(cli) };
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exit(2);
  }
}

const { cli, selected } = parseOrExit();
if (cli.help) console.log(USAGE);
else await main(cli, selected);
