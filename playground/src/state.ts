/**
 * The playground's settings — task, cell, hyperparameters and the custom cell's code —
 * and their round trip through the page's URL, so that a setup can be shared as a link.
 */
import { defaultCustomCell } from './cells/templates.js';

/** The three tasks. */
export const taskKinds = ['sine', 'adding', 'charlm'] as const;
/** One of {@link taskKinds}. */
export type TaskKind = (typeof taskKinds)[number];

/** The built-in cells, and the user's own. */
export const cellKinds = ['rnn', 'lstm', 'gru', 'custom'] as const;
/** One of {@link cellKinds}. */
export type CellKind = (typeof cellKinds)[number];

/** Everything that defines a training run. */
export interface Settings {
  readonly task: TaskKind;
  readonly cell: CellKind;
  readonly hidden: number;
  readonly lr: number;
  /** Sequence length of the adding problem. */
  readonly length: number;
  /** The custom cell's source (TypeScript). */
  readonly code: string;
}

/** Where a fresh page starts. */
export const defaultSettings: Settings = { task: 'sine', cell: 'lstm', hidden: 16, lr: 0.01, length: 30, code: defaultCustomCell };

/** The allowed range of each numeric setting (the sliders' bounds). */
export const ranges = {
  hidden: { min: 2, max: 64, step: 1 },
  lr: { min: 1e-4, max: 0.3 },
  length: { min: 5, max: 200, step: 5 },
} as const;

/** A setting read from the URL that could not be used, and why. */
export interface SettingProblem {
  readonly key: string;
  readonly message: string;
}

/**
 * Reads settings from a URL fragment (`#task=adding&cell=gru&…`). Missing keys take the
 * defaults; a value that is not allowed is reported and replaced by the default, so a
 * mangled link still opens a working page.
 */
export function settingsFromHash(hash: string): { settings: Settings; problems: SettingProblem[] } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const problems: SettingProblem[] = [];
  const choice = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = params.get(key);
    if (v === null) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    problems.push({ key, message: `${key}=${v} is not one of ${allowed.join(', ')}` });
    return fallback;
  };
  const number = (key: string, min: number, max: number, fallback: number, integer: boolean): number => {
    const v = params.get(key);
    if (v === null) return fallback;
    const n = Number(v);
    if (Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n))) return n;
    problems.push({ key, message: `${key}=${v} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]` });
    return fallback;
  };
  const d = defaultSettings;
  const settings: Settings = {
    task: choice('task', taskKinds, d.task),
    cell: choice('cell', cellKinds, d.cell),
    hidden: number('hidden', ranges.hidden.min, ranges.hidden.max, d.hidden, true),
    lr: number('lr', ranges.lr.min, ranges.lr.max, d.lr, false),
    length: number('length', ranges.length.min, ranges.length.max, d.length, true),
    code: params.get('code') ?? d.code,
  };
  return { settings, problems };
}

/** The URL fragment for `settings`; the code is included only when it differs from the template. */
export function settingsToHash(settings: Settings): string {
  const params = new URLSearchParams({
    task: settings.task,
    cell: settings.cell,
    hidden: String(settings.hidden),
    lr: String(settings.lr),
    length: String(settings.length),
  });
  if (settings.code !== defaultCustomCell) params.set('code', settings.code);
  return '#' + params.toString();
}
