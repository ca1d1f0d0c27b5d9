/**
 * A tiny typed flag parser. Each program declares its flags once (kind, default, help);
 * the parser turns `argv` into a typed config or a one-line error. Bad input is a value
 * (`Either`), not an exception: the CLI boundary prints it with the usage and exits 2.
 */
import { either as E } from 'fp-ts';
import { existsSync } from 'node:fs';

/** An integer flag within `[min, max]`. */
export interface IntFlag {
  readonly kind: 'int';
  readonly default: number;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
}

/** A real-valued flag within `[min, max]`. */
export interface FloatFlag {
  readonly kind: 'float';
  readonly default: number;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
}

/** One of a fixed set of words. */
export interface ChoiceFlag<C extends string = string> {
  readonly kind: 'choice';
  readonly choices: readonly C[];
  readonly default: C;
  readonly help: string;
}

/** A comma-separated list of choices, e.g. `--cells rnn,lstm`. */
export interface ChoiceListFlag<C extends string = string> {
  readonly kind: 'choices';
  readonly choices: readonly C[];
  readonly default: readonly C[];
  readonly help: string;
}

/** A comma-separated list of positive integers, e.g. `--lengths 10,50,100`. */
export interface IntListFlag {
  readonly kind: 'ints';
  readonly default: readonly number[];
  readonly help: string;
  readonly min?: number;
}

/** A switch: present means true. */
export interface BoolFlag {
  readonly kind: 'bool';
  readonly help: string;
}

/** A path; with `mustExist`, the file must be there. `undefined` when not given. */
export interface PathFlag {
  readonly kind: 'path';
  readonly help: string;
  readonly mustExist?: boolean;
  readonly default?: string;
}

/** Free text, e.g. a prompt (`\n` in the value means a newline). */
export interface TextFlag {
  readonly kind: 'text';
  readonly default: string;
  readonly help: string;
}

/** Any flag. */
export type Flag = IntFlag | FloatFlag | ChoiceFlag | ChoiceListFlag | IntListFlag | BoolFlag | PathFlag | TextFlag;

/** A program's flags by name (camelCase; written `--kebab-case` on the command line). */
export type FlagSpecs = Readonly<Record<string, Flag>>;

/** The parsed value type of one flag. */
export type ValueOf<F> = F extends ChoiceFlag<infer C>
  ? C
  : F extends ChoiceListFlag<infer C>
    ? C[]
    : F extends IntListFlag
      ? number[]
      : F extends BoolFlag
        ? boolean
        : F extends PathFlag
          ? string | undefined
          : F extends TextFlag
            ? string
            : number;

/** The config a set of flags parses into. */
export type Parsed<S extends FlagSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** Helpers that keep the literal choice types when declaring flags. */
export const flag = {
  int: (d: number, help: string, range: { min?: number; max?: number } = {}): IntFlag => ({ kind: 'int', default: d, help, ...range }),
  float: (d: number, help: string, range: { min?: number; max?: number } = {}): FloatFlag => ({ kind: 'float', default: d, help, ...range }),
  choice: <C extends string>(choices: readonly C[], d: C, help: string): ChoiceFlag<C> => ({ kind: 'choice', choices, default: d, help }),
  choices: <C extends string>(choices: readonly C[], d: readonly C[], help: string): ChoiceListFlag<C> => ({ kind: 'choices', choices, default: d, help }),
  ints: (d: readonly number[], help: string, min = 1): IntListFlag => ({ kind: 'ints', default: d, help, min }),
  bool: (help: string): BoolFlag => ({ kind: 'bool', help }),
  path: (help: string, options: { mustExist?: boolean; default?: string } = {}): PathFlag => ({ kind: 'path', help, ...options }),
  text: (d: string, help: string): TextFlag => ({ kind: 'text', default: d, help }),
};

/** `hiddenSize` → `hidden-size`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The defaults of every flag, as a config. */
export function defaults<S extends FlagSpecs>(specs: S): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(specs)) out[name] = defaultOf(f);
  return out as Parsed<S>;
}

function defaultOf(f: Flag): unknown {
  switch (f.kind) {
    case 'bool':
      return false;
    case 'choices':
    case 'ints':
      return [...f.default];
    default:
      return f.default;
  }
}

/**
 * Parses `argv` (without `node script`) against `specs`. Accepts `--name value` and
 * `--name=value`; `--help` is handled by the caller. Returns the first problem as a
 * one-line message.
 */
export function parseFlags<S extends FlagSpecs>(specs: S, argv: readonly string[]): E.Either<string, Parsed<S>> {
  const config: Record<string, unknown> = defaults(specs);
  const byFlag = new Map(Object.entries(specs).map(([name, f]) => [`--${kebab(name)}`, [name, f] as const]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue; // what `pnpm run <script> -- <flags>` passes through
    const [key, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const entry = byFlag.get(key);
    if (entry === undefined) return E.left(arg.startsWith('-') ? `unknown flag ${key}` : `unexpected argument '${arg}'`);
    const [name, f] = entry;
    if (f.kind === 'bool') {
      if (inline !== undefined) return E.left(`${key} takes no value`);
      config[name] = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) return E.left(`${key} needs a value`);
    const value = parseValue(key, f, raw);
    if (E.isLeft(value)) return value;
    config[name] = value.right;
  }
  return E.right(config as Parsed<S>);
}

function parseValue(key: string, f: Exclude<Flag, BoolFlag>, raw: string): E.Either<string, unknown> {
  switch (f.kind) {
    case 'int':
    case 'float':
      return parseNumber(key, f, raw);
    case 'choice':
      return f.choices.includes(raw) ? E.right(raw) : E.left(`${key} must be one of ${f.choices.join(', ')}; got '${raw}'`);
    case 'choices': {
      const items = raw.split(',').filter((s) => s !== '');
      const bad = items.find((s) => !f.choices.includes(s));
      if (items.length === 0) return E.left(`${key} needs at least one of ${f.choices.join(', ')}`);
      return bad === undefined ? E.right(items) : E.left(`${key}: unknown value '${bad}' (choose from ${f.choices.join(', ')})`);
    }
    case 'ints': {
      const items = raw.split(',').map((s) => Number(s));
      const min = f.min ?? 1;
      const bad = items.findIndex((n) => !Number.isInteger(n) || n < min);
      return bad < 0 ? E.right(items) : E.left(`${key} must be a comma-separated list of integers ≥ ${min}; got '${raw}'`);
    }
    case 'path':
      return f.mustExist && !existsSync(raw) ? E.left(`${key}: no such file '${raw}'`) : E.right(raw);
    case 'text':
      return raw === '' ? E.left(`${key} must not be empty`) : E.right(raw.replace(/\\n/g, '\n'));
  }
}

function parseNumber(key: string, f: IntFlag | FloatFlag, raw: string): E.Either<string, number> {
  const n = raw.trim() === '' ? NaN : Number(raw);
  const what = f.kind === 'int' ? 'an integer' : 'a number';
  if (!Number.isFinite(n) || (f.kind === 'int' && !Number.isInteger(n))) return E.left(`${key} must be ${what}; got '${raw}'`);
  if (f.min !== undefined && n < f.min) return E.left(`${key} must be ≥ ${f.min}; got ${raw}`);
  if (f.max !== undefined && n > f.max) return E.left(`${key} must be ≤ ${f.max}; got ${raw}`);
  return E.right(n);
}

/** The usage text: the synopsis, then one line per flag with its default. */
export function usage(program: string, description: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, f]) => [`--${kebab(name)}${valueHint(f)}`, `${f.help}${choicesHint(f)}${defaultHint(f)}`]);
  rows.push(['--help', 'show this help and exit']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [`usage: ${program} [flags]`, '', description, '', 'flags:', ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`)].join('\n');
}

function valueHint(f: Flag): string {
  switch (f.kind) {
    case 'bool':
      return '';
    case 'choice':
      return ` <${f.choices.join('|')}>`;
    case 'choices':
      return ' <a,b,...>';
    case 'ints':
      return ' <n,n,...>';
    case 'path':
      return ' <file>';
    case 'text':
      return ' <text>';
    case 'int':
      return ' <n>';
    case 'float':
      return ' <x>';
  }
}

function choicesHint(f: Flag): string {
  return f.kind === 'choices' ? `; any of ${f.choices.join(', ')}` : '';
}

function defaultHint(f: Flag): string {
  switch (f.kind) {
    case 'bool':
      return '';
    case 'path':
      return f.default === undefined ? '' : ` (default ${f.default})`;
    case 'choices':
    case 'ints':
      return f.default.length === 0 ? '' : ` (default ${f.default.join(',')})`;
    case 'text':
      return ` (default ${JSON.stringify(f.default)})`;
    default:
      return ` (default ${f.default})`;
  }
}

/**
 * The CLI boundary: `--help` prints the usage and exits 0; a bad flag prints
 * `<program>: <problem>` and the usage (of `command`) on stderr and exits 2; otherwise
 * returns the config.
 */
export function parseOrExit<S extends FlagSpecs>(
  program: string,
  description: string,
  specs: S,
  argv: readonly string[] = process.argv.slice(2),
  command: string = program,
): Parsed<S> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage(command, description, specs)}\n`);
    process.exit(0);
  }
  const parsed = parseFlags(specs, argv);
  if (E.isLeft(parsed)) {
    process.stderr.write(`${program}: ${parsed.left}\n\n${usage(command, description, specs)}\n`);
    process.exit(2);
  }
  return parsed.right;
}
