/** A few helpers for drawing plots as SVG: elements, scales and axis ticks. */

const NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes, appended to `parent` if given. */
export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  parent?.appendChild(el);
  return el;
}

/** A linear or base-10 logarithmic map from data to pixels. */
export interface Scale {
  (v: number): number;
  readonly ticks: number[];
  readonly format: (v: number) => string;
}

/** A linear scale from [lo, hi] to [a, b] with about five round ticks, at least `minStep` apart. */
export function linearScale(lo: number, hi: number, a: number, b: number, minStep = 0): Scale {
  if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
  const raw = Math.max((hi - lo) / 5, minStep);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  const f = (v: number): number => a + ((v - lo) / (hi - lo)) * (b - a);
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  return Object.assign(f, { ticks, format: (v: number) => v.toFixed(Math.min(digits, 6)) });
}

/**
 * A log₁₀ scale from [lo, hi] (both > 0) to [a, b]. Ticks at powers of ten, thinned to
 * about six; over two decades or less also at 2 and 5 times them.
 */
export function logScale(lo: number, hi: number, a: number, b: number): Scale {
  const l = Math.floor(Math.log10(lo));
  const h = Math.max(Math.ceil(Math.log10(hi)), l + 1);
  const every = Math.max(1, Math.ceil((h - l) / 6));
  const multiples = h - l <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = l; e <= h; e += every) for (const m of multiples) if (e < h || m === 1) ticks.push(m * 10 ** e);
  const f = (v: number): number => a + ((Math.log10(v) - l) / (h - l)) * (b - a);
  const format = (v: number): string => {
    const e = Math.floor(Math.log10(v) + 1e-9);
    const m = Math.round(v / 10 ** e);
    return `${m === 1 ? '' : `${m}×`}1e${e}`;
  };
  return Object.assign(f, { ticks, format });
}

/** Minimum and maximum of the finite values (and of `extra`), or undefined if there are none. */
export function extent(values: Iterable<number>, keep: (v: number) => boolean = Number.isFinite): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!keep(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}
