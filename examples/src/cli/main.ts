/**
 * What every example program does around its task: parse the flags (bad ones exit 2),
 * run with a progress bar and a Ctrl-C handler, print the key numbers, and write an
 * HTML page with the task's section of the report.
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '@tapestry/core/node';
import { dirname, resolve } from 'node:path';
import { backendFlag, installBackend } from './backend.js';
import { parseOrExit, usage, type FlagSpecs, type Parsed } from './flags.js';
import { consoleProgress, installInterruptHandler, type Progress } from './progress.js';
import { checkpointFlags, checkpointPlan } from './checkpoint-flags.js';
import { renderHtml, type Section } from '../report/html.js';
import { withCheckpoints } from '../report/section-kit.js';

/** One example program. */
export interface Program<S extends FlagSpecs, C, R> {
  /** The command name shown in the usage, e.g. `sine`. */
  readonly name: string;
  readonly description: string;
  readonly flags: S;
  /** From parsed flags to the task's config (flags already validated). */
  readonly config: (flags: Parsed<S>) => C;
  /** A problem with the combination of flags (one line), if any: treated like a bad flag. */
  readonly check?: (config: C) => string | undefined;
  readonly run: (config: C, progress: Progress) => Promise<R>;
  /** Lines for stdout: the numbers a reader wants to see. */
  readonly summary: (result: R) => string[];
  readonly section: (result: R) => Promise<Section>;
}

/** Runs a program from `process.argv`; resolves to the exit code. */
export async function main<S extends FlagSpecs, C, R>(p: Program<S, C, R>, argv = process.argv.slice(2)): Promise<number> {
  const specs = { ...p.flags, ...checkpointFlags, backend: backendFlag, out: { kind: 'path', help: 'HTML page to write', default: `report/${p.name}.html` } } as const;
  const flags = parseOrExit(p.name, p.description, specs, argv, `node examples/dist/bin/${p.name}.js`);
  installBackend(flags.backend);
  const config = p.config(flags as Parsed<S>);
  const problem = p.check?.(config);
  if (problem !== undefined) {
    process.stderr.write(`${p.name}: ${problem}\n\n${usage(`node examples/dist/bin/${p.name}.js`, p.description, specs)}\n`);
    return 2;
  }
  const stopRequested = installInterruptHandler();
  const checkpoints = checkpointPlan(flags, config);
  const result = await p.run(config, consoleProgress({ stopRequested, checkpoints }));
  for (const line of [...p.summary(result), ...checkpoints.provenance]) process.stdout.write(`${line}\n`);
  const out = resolve(invocationDir(), flags.out ?? `report/${p.name}.html`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomic(out, renderHtml({ title: `Tapestry example: ${p.name}`, meta: [`node examples/dist/bin/${p.name}.js ${argv.join(' ')}`, ...checkpoints.provenance], sections: [withCheckpoints(await p.section(result), checkpoints.provenance)] }));
  process.stdout.write(`wrote ${out}\n`);
  return stopRequested() ? 130 : 0;
}

/**
 * The directory the user ran the command from: pnpm and npm scripts run inside the
 * package but record where they were started in INIT_CWD.
 */
export function invocationDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/** Runs `main` and exits with its code; an unexpected error prints one line and exits 1. */
export function start<S extends FlagSpecs, C, R>(p: Program<S, C, R>): void {
  main(p).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${p.name}: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
