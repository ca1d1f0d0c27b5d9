/**
 * Small helpers the report's sections share: display names of cells, number formats
 * for captions, and curve thinning and smoothing for charts.
 */
import type { Block, Section } from './html.js';

/** The display name of a cell kind or model ("lstm" → "LSTM", "bilstm" → "bi-LSTM"). */
export function name(kind: string): string {
  if (kind === 'bilstm') return 'bi-LSTM';
  return kind.toUpperCase();
}

/** A number for prose: three significant digits, scientific outside [1e-3, 1e4). */
export function sci(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

/** Keeps at most `max` evenly spaced points of a long curve (the SVG stays small). */
export function thin<T>(xs: readonly T[], max = 300): { x: number; v: T }[] {
  const every = Math.max(1, Math.ceil(xs.length / max));
  const out: { x: number; v: T }[] = [];
  xs.forEach((v, i) => {
    if (i % every === 0 || i === xs.length - 1) out.push({ x: i + 1, v });
  });
  return out;
}

/** Exponential moving average, to read noisy minibatch losses. */
export function smooth(xs: readonly number[], alpha = 0.1): number[] {
  let m = xs[0] ?? 0;
  return xs.map((x) => (m = alpha * x + (1 - alpha) * m));
}

/** A paragraph block. */
export const text = (t: string): Block => ({ kind: 'text', text: t });

/** "1 layer", "2 layers". */
export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Mean, minimum and maximum of a list. */
export function spread(xs: readonly number[]): { mean: number; min: number; max: number } {
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * The section with a closing note naming the checkpoint each of its training runs was
 * saved to, resumed from or loaded from (one line per run, as the training loop and
 * `--checkpoint` record them); unchanged when no checkpoint was involved.
 */
export function withCheckpoints(section: Section, provenance: readonly string[]): Section {
  if (provenance.length === 0) return section;
  return { ...section, blocks: [...section.blocks, { kind: 'text', text: `Checkpoints of the runs behind this section's figures and numbers — ${provenance.join('; ')}.` }] };
}
