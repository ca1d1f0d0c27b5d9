/**
 * Rewrites RESULTS.md from results/latest.json and the current PROFILE.md, without
 * measuring anything: for when PROFILE.md was edited after the run. Refuses unless the
 * latest run was a full one (every workload, every implementation, not quick, not
 * profiled), the only kind whose figures RESULTS.md may hold.
 *
 *   pnpm --filter @tapestry/bench run rewrite-results
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Report, resultsMarkdown } from './report.js';
import { IMPL_IDS } from './types.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const report = JSON.parse(readFileSync(`${BENCH_DIR}/results/latest.json`, 'utf8')) as Report;
if (report.quick || report.only.length > 0 || report.impls.length !== IMPL_IDS.length || report.profiled === true) {
  process.stderr.write('rewrite-results: results/latest.json is not a full run of everything; run `pnpm bench` first\n');
  process.exit(2);
}
writeFileSync(`${BENCH_DIR}/RESULTS.md`, resultsMarkdown(report, readFileSync(`${BENCH_DIR}/PROFILE.md`, 'utf8')));
console.log('RESULTS.md rewritten from results/latest.json and PROFILE.md');
