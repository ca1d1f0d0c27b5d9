/**
 * Charts for the report: Vega-Lite specs compiled to Vega and rendered to SVG in Node
 * (renderer 'none' needs no canvas or browser). Each helper takes plain rows and
 * returns a self-contained `<svg>` string. Series are coloured through one palette
 * ({@link seriesColor}), so a cell type has the same colour in every chart of the page.
 */
import { View, parse } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';

/** One data row of a chart. */
export type Row = Readonly<Record<string, string | number | null>>;

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vega = compile(spec).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Fixed colours of the series names the report uses; a name's prefix decides (e.g. "lstm, 2 layers"). */
const named: readonly (readonly [string, string])[] = [
  ['target', '#111111'],
  ['bilstm', '#9467bd'],
  ['bi-lstm', '#9467bd'],
  ['rnn', '#d62728'],
  ['lstm', '#1f77b4'],
  ['gru', '#2ca02c'],
  ['mgu', '#ff7f0e'],
];
const fallback = ['#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#aec7e8', '#ffbb78', '#98df8a'];

/** The colour of a series: fixed for targets and cell types, otherwise from a fallback list by position. */
export function seriesColor(name: string, position: number): string {
  const key = name.toLowerCase();
  return named.find(([prefix]) => key === prefix || key.startsWith(`${prefix} `) || key.startsWith(`${prefix},`))?.[1] ?? fallback[position % fallback.length];
}

/** A colour encoding whose scale pins every value of `field` to its palette colour. */
function colorEncoding(rows: readonly Row[], field: string, title: string): Record<string, unknown> {
  const domain = [...new Set(rows.map((r) => String(r[field])))];
  let free = 0;
  const range = domain.map((d) => {
    const c = seriesColor(d, free);
    if (!named.some(([, col]) => col === c)) free++;
    return c;
  });
  return { field, type: 'nominal', title, scale: { domain, range }, sort: domain };
}

const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  config: { font: 'sans-serif', view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320 }, title: { fontSize: 14, anchor: 'start' } },
} as const;

/** A horizontal reference line (chance level, a baseline, a target), labelled on the chart. */
export interface ReferenceLine {
  readonly y: number;
  readonly label: string;
  /** Drawn darker and solid for targets; grey and dashed for baselines (the default). */
  readonly kind?: 'baseline' | 'target';
  /** Where the label starts, in pixels from the left (default 0): keeps close lines' labels apart. */
  readonly labelX?: number;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly rows: readonly Row[];
  readonly x: string;
  readonly y: string;
  /** Field that splits rows into coloured series. */
  readonly color?: string;
  /** Field that splits rows into dashed/solid series. */
  readonly dash?: string;
  /** One small chart per value of this field. */
  readonly column?: string;
  /** Fields of a shaded band around each line (e.g. min and max over seeds). */
  readonly band?: { readonly lo: string; readonly hi: string };
  readonly rules?: readonly ReferenceLine[];
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly logY?: boolean;
  readonly logX?: boolean;
  /** Draw points on the line (for short series). */
  readonly points?: boolean;
  /** Label the x axis with whole numbers only (steps, epochs, lengths). */
  readonly integerX?: boolean;
  /** Independent x and y scales per facet. */
  readonly independentY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** Lines of `y` against `x`, one per value of `color` (and `dash`), with bands and reference lines. */
export function lineChart(o: LineChartOptions): Promise<string> {
  const x = {
    field: o.x,
    type: 'quantitative',
    title: o.xTitle ?? o.x,
    scale: o.logX ? { type: 'log', nice: false } : { zero: false },
    axis: o.integerX ? { format: 'd', tickMinStep: 1 } : {},
  };
  const yScale = o.logY ? { type: 'log' } : { zero: false };
  // One label format per log axis ("1e+6" rather than a mix of digits and exponents).
  const yAxis = o.logY ? { labelExpr: "datum.value >= 1e5 || datum.value < 1e-3 ? format(datum.value, '.0e') : format(datum.value, '~g')" } : {};
  const encoding: Record<string, unknown> = { x, y: { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y, scale: yScale, axis: yAxis } };
  if (o.color !== undefined) encoding.color = colorEncoding(o.rows, o.color, o.color);
  // Legend symbols for dashes must be strokes: the default point symbols all look alike.
  if (o.dash !== undefined) encoding.strokeDash = { field: o.dash, type: 'nominal', title: o.dash, legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400, encode: { symbols: { update: { stroke: { value: '#444' } } } } } };
  const layers: Record<string, unknown>[] = [];
  if (o.band !== undefined) {
    layers.push({
      mark: { type: 'area', opacity: 0.18 },
      encoding: { x, y: { field: o.band.lo, type: 'quantitative', scale: yScale }, y2: { field: o.band.hi }, ...(o.color === undefined ? {} : { color: { ...(encoding.color as object), legend: null } }) },
    });
  }
  layers.push({ mark: { type: 'line', point: o.points === true, strokeWidth: 1.8 }, encoding });
  for (const r of o.rules ?? []) {
    const target = r.kind === 'target';
    layers.push({ mark: { type: 'rule', color: target ? '#000' : '#888', strokeDash: target ? [] : [5, 4], strokeWidth: target ? 1.5 : 1.2 }, encoding: { y: { datum: r.y } } });
    layers.push({
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 10, color: target ? '#000' : '#666' },
      encoding: { y: { datum: r.y }, x: { value: r.labelX ?? 0 }, text: { value: r.label } },
    });
  }
  const width = o.width ?? (o.column === undefined ? 640 : 260);
  const height = o.height ?? 260;
  const inner = { width, height, layer: layers };
  const spec =
    o.column === undefined
      ? { ...base, title: o.title, data: { values: o.rows as Row[] }, ...inner }
      : {
          ...base,
          title: o.title,
          data: { values: o.rows as Row[] },
          facet: { column: { field: o.column, type: 'ordinal', title: o.column, sort: [...new Set(o.rows.map((r) => r[o.column as string]))] } },
          spec: inner,
          resolve: o.independentY === true ? { scale: { x: 'independent', y: 'independent' } } : undefined,
        };
  return renderSvg(spec as unknown as TopLevelSpec);
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  readonly title: string;
  readonly rows: readonly Row[];
  /** Category on the x axis. */
  readonly x: string;
  readonly y: string;
  /** Bars side by side within each x category, coloured. */
  readonly group?: string;
  readonly yTitle?: string;
  readonly rules?: readonly ReferenceLine[];
  readonly width?: number;
  readonly height?: number;
}

/** Grouped bars: `y` for each `x`, side by side by `group`, with optional reference lines. */
export function barChart(o: BarChartOptions): Promise<string> {
  const encoding: Record<string, unknown> = {
    x: { field: o.x, type: 'nominal', title: o.x, sort: null },
    y: { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y },
  };
  if (o.group !== undefined) {
    encoding.xOffset = { field: o.group, type: 'nominal' };
    encoding.color = colorEncoding(o.rows, o.group, o.group);
  }
  const layers: Record<string, unknown>[] = [{ mark: o.group === undefined ? { type: 'bar', color: '#4c78a8' } : 'bar', encoding }];
  for (const r of o.rules ?? []) {
    layers.push({ mark: { type: 'rule', color: '#888', strokeDash: [5, 4] }, encoding: { y: { datum: r.y } } });
    layers.push({ mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 10, color: r.kind === 'target' ? '#000' : '#666' }, encoding: { y: { datum: r.y }, x: { value: r.labelX ?? 0 }, text: { value: r.label } } });
  }
  return renderSvg({ ...base, title: o.title, width: o.width ?? 640, height: o.height ?? 240, data: { values: o.rows as Row[] }, layer: layers } as unknown as TopLevelSpec);
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  readonly title: string;
  readonly rows: readonly Row[];
  readonly x: string;
  readonly y: string;
  readonly value: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** Category order for both axes. */
  readonly order?: readonly string[];
  readonly size?: number;
}

/** A grid of cells coloured by `value` (e.g. a row-normalised confusion matrix). */
export function heatmap(o: HeatmapOptions): Promise<string> {
  const sort = o.order === undefined ? undefined : [...o.order];
  return renderSvg({
    ...base,
    title: o.title,
    width: o.size ?? 420,
    height: o.size ?? 420,
    data: { values: o.rows as Row[] },
    mark: 'rect',
    encoding: {
      x: { field: o.x, type: 'nominal', title: o.xTitle ?? o.x, sort },
      y: { field: o.y, type: 'nominal', title: o.yTitle ?? o.y, sort },
      // White at 0, so empty cells read as empty.
      color: { field: o.value, type: 'quantitative', title: o.value, scale: { domain: [0, 1], range: ['#ffffff', '#08306b'] } },
      tooltip: [{ field: o.y }, { field: o.x }, { field: o.value, format: '.2f' }],
    },
  } as TopLevelSpec);
}

/** Options of {@link scatterChart}. */
export interface ScatterChartOptions {
  readonly title: string;
  readonly rows: readonly Row[];
  readonly x: string;
  readonly y: string;
  readonly color?: string;
  readonly shape?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
}

/** Points of `y` against `x`, coloured and shaped by fields. */
export function scatterChart(o: ScatterChartOptions): Promise<string> {
  const encoding: Record<string, unknown> = {
    x: { field: o.x, type: 'quantitative', title: o.xTitle ?? o.x, scale: o.logX ? { type: 'log', nice: false } : { zero: false } },
    y: { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y, scale: o.logY ? { type: 'log' } : { zero: false } },
  };
  if (o.color !== undefined) encoding.color = colorEncoding(o.rows, o.color, o.color);
  if (o.shape !== undefined) encoding.shape = { field: o.shape, type: 'nominal', title: o.shape };
  return renderSvg({ ...base, title: o.title, width: 640, height: 280, data: { values: o.rows as Row[] }, mark: { type: 'point', filled: true, size: 70 }, encoding } as TopLevelSpec);
}
