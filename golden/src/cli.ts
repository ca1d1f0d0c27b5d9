#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runFolder } from './run-folder.js';

// `pnpm golden [folder]`: one line per case, then `N passed, N failed`; exit 1 on any failure.
const folder = process.argv[2] ?? fileURLToPath(new URL('../fixtures/', import.meta.url));
if (!existsSync(folder)) {
  console.error(`golden: no such folder: ${folder}\nusage: pnpm golden [folder]`);
  process.exit(2);
}
const verdicts = runFolder(folder);
for (const v of verdicts) console.log(`${v.ok ? 'PASS' : 'FAIL'}  ${v.name.padEnd(34)} ${v.detail}`);
const failed = verdicts.filter((v) => !v.ok).length;
console.log(`${verdicts.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 || verdicts.length === 0 ? 1 : 0);
