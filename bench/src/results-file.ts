import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@tapestry/core/node';
import { fileURLToPath } from 'node:url';
import { type Report, resultsMarkdown } from './report.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Writes RESULTS.md: the report's figures followed by the current PROFILE.md. */
export function writeResultsFile(report: Report): void {
  writeFileAtomic(`${BENCH_DIR}/RESULTS.md`, resultsMarkdown(report, readFileSync(`${BENCH_DIR}/PROFILE.md`, 'utf8')));
}
