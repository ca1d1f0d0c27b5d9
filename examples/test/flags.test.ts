import { either as E } from 'fp-ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flag, parseFlags, usage } from '../src/cli/flags.js';

const specs = {
  cell: flag.choice(['rnn', 'lstm', 'gru'] as const, 'lstm', 'cell'),
  hidden: flag.int(16, 'hidden units', { min: 1 }),
  lr: flag.float(0.01, 'learning rate', { min: 0 }),
  lengths: flag.ints([10, 20], 'lengths'),
  full: flag.bool('long run'),
};

describe('parseFlags', () => {
  it('gives the defaults, and typed values for good flags in both spellings', () => {
    const parsed = parseFlags(specs, ['--cell', 'gru', '--hidden=32', '--lengths', '5,6', '--full']);
    expect(E.isRight(parsed) && parsed.right).toEqual({ cell: 'gru', hidden: 32, lr: 0.01, lengths: [5, 6], full: true });
    expect(E.isRight(parseFlags(specs, [])) && parseFlags(specs, [])).toMatchObject({ right: { cell: 'lstm', hidden: 16, full: false } });
  });

  it.each([
    [['--cell', 'transformer'], '--cell must be one of rnn, lstm, gru'],
    [['--hidden', '-3'], '--hidden must be ≥ 1'],
    [['--hidden', '2.5'], '--hidden must be an integer'],
    [['--lr', 'fast'], '--lr must be a number'],
    [['--lengths', '10,x'], '--lengths must be a comma-separated list'],
    [['--width', '3'], 'unknown flag --width'],
    [['--hidden'], '--hidden needs a value'],
    [['extra'], "unexpected argument 'extra'"],
  ])('rejects %j with a one-line message', (argv, message) => {
    const parsed = parseFlags(specs, argv);
    expect(E.isLeft(parsed)).toBe(true);
    if (E.isLeft(parsed)) {
      expect(parsed.left).toContain(message);
      expect(parsed.left).not.toContain('\n');
    }
  });

  it("ignores the bare '--' that `pnpm run <script> -- <flags>` passes through", () => {
    const parsed = parseFlags(specs, ['--', '--hidden', '8']);
    expect(E.isRight(parsed) && parsed.right.hidden).toBe(8);
  });

  it('lists every flag with its default in the usage', () => {
    const text = usage('prog', 'does things', specs);
    for (const f of ['--cell <rnn|lstm|gru>', '--hidden <n>', '(default 16)', '--lengths <n,n,...>', '--full', '--help']) expect(text).toContain(f);
  });
});

describe('example programs on bad input', () => {
  const bin = (name: string): string => fileURLToPath(new URL(`../dist/bin/${name}.js`, import.meta.url));
  const runBin = (name: string, args: string[]) => spawnSync(process.execPath, [bin(name), ...args], { encoding: 'utf8', timeout: 20_000 });

  it.each([
    ['sine', ['--cell', 'transformer'], "sine: --cell: unknown value 'transformer'"],
    ['sine', ['--hidden', '-4'], 'sine: --hidden must be ≥ 1; got -4'],
    ['gradient-flow', ['--bogus'], 'gradient-flow: unknown flag --bogus'],
    ['charlm', ['--text', 'no/such/file.txt'], "charlm: --text: no such file 'no/such/file.txt'"],
    ['charlm', ['--checkpoint', 'no/such/run'], "charlm: --checkpoint: no such file 'no/such/run'"],
    ['surnames', ['--epochs', 'two'], "surnames: --epochs must be an integer; got 'two'"],
    ['custom-cell', ['--steps', '0'], 'custom-cell: --steps must be ≥ 1; got 0'],
    ['sine', ['--window', '85', '--held-out', '20'], 'sine: --window 85 with --held-out 20 leaves no windows to train on'],
  ])('%s %j exits 2 with one line and the usage, no stack trace', (name, args, first) => {
    const r = runBin(name, args);
    expect(r.status).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines[0].startsWith(first)).toBe(true);
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(/^usage: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('prints the usage and exits 0 on --help', () => {
    const r = runBin('sine', ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: /);
    expect(r.stdout).toContain('--epochs <n>');
  });
});
