/**
 * Rewrites RESULTS.md from results/latest.json and the current PROFILE.md, without
 * measuring anything: for when PROFILE.md was edited after the run. Refuses unless the
 * latest run may stand in RESULTS.md (see `isFullRun`).
 *
 *   pnpm --filter @tapestry/bench run rewrite-results
 */
import { readFileSync } from 'node:fs';
import { isFullRun, type Report } from './report.js';
import { writeResultsFile } from './results-file.js';

const report = JSON.parse(readFileSync(new URL('../results/latest.json', import.meta.url), 'utf8')) as Report;
if (!isFullRun(report)) {
  process.stderr.write('rewrite-results: results/latest.json is not a full run of everything; run `pnpm bench` first\n');
  process.exit(2);
}
writeResultsFile(report);
console.log('RESULTS.md rewritten from results/latest.json and PROFILE.md');
