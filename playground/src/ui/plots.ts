/**
 * The playground's plots, drawn as SVG into a container they own: a line plot with an
 * optional log scale (loss, ‖∂L/∂h_t‖, sine predictions), a scatter plot (the adding
 * problem's sums), and small-multiple histograms (gate activations).
 */
import type { GateHistogram } from '../cells/probe.js';
import { extent, linearScale, logScale, svgEl, type Scale } from './svg.js';

/** One line of a line plot; `x` defaults to 1, 2, 3, … */
export interface Series {
  readonly values: readonly number[];
  readonly x?: readonly number[];
  readonly label: string;
  readonly className: string;
}

/** Options of {@link drawLines}. */
export interface LinePlotOptions {
  /** A log scale for y: always (`true`), or `'auto'` when the values span more than a decade. */
  readonly logY?: boolean | 'auto';
  readonly xLabel: string;
  /** Ticks only at whole numbers on x (steps, time steps). */
  readonly integerX?: boolean;
  /** A dashed horizontal reference line. */
  readonly reference?: { readonly value: number; readonly label: string };
  /** For a log scale: values at or below 0 are drawn at the bottom and counted in the caption. */
  readonly floorNote?: string;
}

const W = 420;
const H = 220;
const M = { left: 52, right: 12, top: 12, bottom: 34 };

function frame(container: Element, label: string): SVGSVGElement {
  container.replaceChildren();
  return svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label }, container);
}

function axes(svg: SVGSVGElement, x: Scale, y: Scale, xLabel: string): void {
  const g = svgEl('g', { class: 'axis' }, svg);
  svgEl('line', { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom }, g);
  svgEl('line', { x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom }, g);
  for (const t of y.ticks) {
    svgEl('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(t), y2: y(t) }, g);
    svgEl('text', { x: M.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, g).textContent = y.format(t);
  }
  for (const t of x.ticks) svgEl('text', { x: x(t), y: H - M.bottom + 15, 'text-anchor': 'middle' }, g).textContent = x.format(t);
  svgEl('text', { class: 'label', x: (M.left + W - M.right) / 2, y: H - 4, 'text-anchor': 'middle' }, g).textContent = xLabel;
}

/** Line plot of `series` into `container`. Returns how many values were at or below zero on a log scale. */
export function drawLines(container: Element, series: readonly Series[], options: LinePlotOptions): number {
  const svg = frame(container, series.map((s) => s.label).join(', '));
  const xs = series.flatMap((s) => (s.x ?? s.values.map((_, i) => i + 1)) as number[]);
  const ys = series.flatMap((s) => s.values as number[]);
  if (options.reference !== undefined) ys.push(options.reference.value);
  const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
  const span = extent(ys, positive);
  const logY = options.logY === true || (options.logY === 'auto' && span !== undefined && span[1] > 10 * span[0]);
  const yr = logY ? span : extent(ys);
  const xr = extent(xs);
  if (yr === undefined || xr === undefined) return 0;
  const x = linearScale(xr[0], xr[1], M.left, W - M.right, options.integerX === true ? 1 : 0);
  const y = logY ? logScale(yr[0], yr[1], H - M.bottom, M.top) : linearScale(yr[0], yr[1], H - M.bottom, M.top);
  axes(svg, x, y, options.xLabel);
  const bottom = y(y.ticks[0]);
  let floored = 0;
  const ry = options.reference === undefined ? undefined : y(options.reference.value);
  if (ry !== undefined) svgEl('line', { class: 'reference', x1: M.left, x2: W - M.right, y1: ry, y2: ry }, svg);
  for (const s of series) {
    const points: string[] = [];
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const py = logY && v <= 0 ? (floored++, bottom) : y(v);
      points.push(`${x(s.x?.[i] ?? i + 1).toFixed(1)},${py.toFixed(1)}`);
    });
    svgEl('polyline', { class: `line ${s.className}`, points: points.join(' ') }, svg);
  }
  // The reference's label goes over the lines, on a halo, so that they never hide it.
  if (ry !== undefined) svgEl('text', { class: 'reference-label', x: W - M.right - 4, y: ry - 5, 'text-anchor': 'end' }, svg).textContent = options.reference!.label;
  if (series.length > 1) legend(svg, series);
  return floored;
}

/** A key in the top-right corner: a short stroke in each series' style, then its label. */
function legend(svg: SVGSVGElement, series: readonly Series[]): void {
  const g = svgEl('g', { class: 'legend' }, svg);
  series.forEach((s, i) => {
    const y = M.top + 8 + i * 14;
    svgEl('line', { class: `line ${s.className}`, x1: W - M.right - 110, x2: W - M.right - 90, y1: y - 3, y2: y - 3 }, g);
    svgEl('text', { class: 'legend', x: W - M.right - 84, y }, g).textContent = s.label;
  });
}

/** Predicted against true values, with the diagonal a perfect model would sit on. */
export function drawScatter(container: Element, predicted: readonly number[], target: readonly number[]): void {
  const svg = frame(container, 'predicted against true values');
  const r = extent([...predicted, ...target]) ?? [0, 1];
  const x = linearScale(r[0], r[1], M.left, W - M.right);
  const y = linearScale(r[0], r[1], H - M.bottom, M.top);
  axes(svg, x, y, 'true sum');
  svgEl('line', { class: 'reference', x1: x(r[0]), y1: y(r[0]), x2: x(r[1]), y2: y(r[1]) }, svg);
  target.forEach((t, i) => {
    if (Number.isFinite(predicted[i])) svgEl('circle', { class: 'dot', cx: x(t), cy: y(predicted[i]), r: 3 }, svg);
  });
}

/** One small histogram per gate; the saturated share is printed beside its name. */
export function drawHistograms(container: Element, histograms: readonly GateHistogram[]): void {
  container.replaceChildren();
  if (histograms.length === 0) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'No gates observed: this cell calls neither sigmoid nor tanh.';
    container.appendChild(p);
    return;
  }
  for (const h of histograms) {
    const [w, hh, pad] = [200, 86, 16];
    const cell = document.createElement('figure');
    const svg = svgEl('svg', { viewBox: `0 0 ${w} ${hh}`, role: 'img', 'aria-label': `histogram of ${h.name}` }, cell);
    const top = Math.max(...h.fractions, 1e-9);
    const bw = w / h.fractions.length;
    h.fractions.forEach((f, i) => {
      const bh = (f / top) * (hh - pad - 4);
      svgEl('rect', { class: `bar ${h.kind}`, x: i * bw + 0.5, y: hh - pad - bh, width: bw - 1, height: bh }, svg);
    });
    svgEl('line', { class: 'axis-line', x1: 0, x2: w, y1: hh - pad, y2: hh - pad }, svg);
    for (const [v, anchor] of [[h.low, 'start'], [(h.low + h.high) / 2, 'middle'], [h.high, 'end']] as const) {
      svgEl('text', { x: ((v - h.low) / (h.high - h.low)) * w, y: hh - 3, 'text-anchor': anchor }, svg).textContent = String(v);
    }
    const caption = document.createElement('figcaption');
    caption.innerHTML = `<b></b> <span class="saturated"></span>`;
    caption.querySelector('b')!.textContent = h.name;
    caption.querySelector('span')!.textContent = `${(100 * h.saturated).toFixed(0)}% saturated`;
    cell.appendChild(caption);
    container.appendChild(cell);
  }
}
