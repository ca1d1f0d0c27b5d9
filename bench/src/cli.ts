import { parseArgs } from 'node:util';
import { IMPL_IDS, type ImplId } from './types.js';

export interface CliOptions {
  readonly quick: boolean;
  /** `--only` patterns (`W1`, `sine`, `W1:lstm`); empty = everything. */
  readonly only: readonly string[];
  readonly impls: readonly ImplId[];
  readonly budgetSeconds: number;
  /** Where each run writes a V8 CPU profile (`node --cpu-prof`); none when undefined. */
  readonly cpuProfDir?: string;
  readonly help: boolean;
}

/** Per-run budgets: the full suite must end in minutes on a 2-core machine. */
export const DEFAULT_BUDGET = { full: 45, quick: 2 } as const;

export const USAGE = `Usage: pnpm bench [--quick] [--only W1[:variant]]... [--impl tfjs-wasm]... [--budget SECONDS] [--cpu-prof DIR]

  --quick          smoke run: fewer iterations, budget ${DEFAULT_BUDGET.quick} s per run (figures marked "q")
  --only PATTERN   run only matching workloads: W1, sine, W1:lstm, charlm:gru (repeatable, comma-separated)
  --impl ID        run only these implementations: ${IMPL_IDS.join(', ')} (repeatable, comma-separated)
  --budget SECONDS wall-clock budget per run (default ${DEFAULT_BUDGET.full}); slower runs cut iterations or skip
  --cpu-prof DIR   write V8 CPU profiles of each run to DIR/<workload>-<variant>-<impl>/
                   (summarise one with: pnpm --filter @tapestry/bench run profile-top DIR/W3-rnn-tapestry)

  PyTorch columns: run by the first of python3, /usr/bin/python3 that imports torch, or by
  $TAPESTRY_BENCH_PYTHON; without one they are skipped with the reason.
`;

const list = (values: readonly string[] | undefined): string[] =>
  (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

function parseImpls(values: readonly string[]): ImplId[] {
  if (values.length === 0) return [...IMPL_IDS];
  return values.map((v) => {
    const id = IMPL_IDS.find((i) => i === v);
    if (id === undefined) throw new Error(`--impl ${v}: expected one of ${IMPL_IDS.join(', ')}`);
    return id;
  });
}

export function parseCli(argv: readonly string[]): CliOptions {
  // pnpm forwards a literal "--" in front of the script's arguments.
  const args = argv.filter((a) => a !== '--');
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      impl: { type: 'string', multiple: true },
      budget: { type: 'string' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const quick = values.quick ?? false;
  const budgetSeconds = values.budget === undefined ? DEFAULT_BUDGET[quick ? 'quick' : 'full'] : Number(values.budget);
  if (!(budgetSeconds > 0)) throw new Error(`--budget ${values.budget}: expected a positive number of seconds`);
  const cpuProfDir = values['cpu-prof'];
  return { quick, only: list(values.only), impls: parseImpls(list(values.impl)), budgetSeconds, cpuProfDir, help: values.help ?? false };
}
