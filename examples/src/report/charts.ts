/**
 * Charts for the report: Vega-Lite specs compiled to Vega and rendered to SVG in Node
 * (renderer 'none' needs no canvas or browser). Each helper takes plain rows and
 * returns a self-contained `<svg>` string.
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

const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  config: { font: 'sans-serif', view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } },
} as const;

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
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly logY?: boolean;
  readonly logX?: boolean;
  /** Draw points on the line (for short series). */
  readonly points?: boolean;
  /** Label the x axis with whole numbers only (steps, epochs, lengths). */
  readonly integerX?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** Lines of `y` against `x`, one per value of `color` (and `dash`). */
export function lineChart(o: LineChartOptions): Promise<string> {
  const encoding: Record<string, unknown> = {
    x: {
      field: o.x,
      type: 'quantitative',
      title: o.xTitle ?? o.x,
      scale: o.logX ? { type: 'log', nice: false } : { zero: false },
      axis: o.integerX ? { format: 'd', tickMinStep: 1 } : {},
    },
    y: { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y, scale: o.logY ? { type: 'log' } : { zero: false } },
  };
  if (o.color !== undefined) encoding.color = { field: o.color, type: 'nominal', title: o.color };
  if (o.dash !== undefined) encoding.strokeDash = { field: o.dash, type: 'nominal', title: o.dash };
  return renderSvg({
    ...base,
    title: o.title,
    width: o.width ?? 520,
    height: o.height ?? 260,
    data: { values: o.rows as Row[] },
    mark: { type: 'line', point: o.points === true, strokeWidth: 1.6 },
    encoding,
  } as TopLevelSpec);
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  readonly title: string;
  readonly rows: readonly Row[];
  /** Category on the x axis. */
  readonly x: string;
  readonly y: string;
  /** Bars side by side within each x category. */
  readonly group?: string;
  /** One small chart per value of this field. */
  readonly column?: string;
  readonly yTitle?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Grouped bars: `y` for each `x`, side by side by `group`, optionally faceted by `column`. */
export function barChart(o: BarChartOptions): Promise<string> {
  const encoding: Record<string, unknown> = {
    x: { field: o.x, type: 'nominal', title: o.x },
    y: { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y },
  };
  if (o.group !== undefined) {
    encoding.xOffset = { field: o.group, type: 'nominal' };
    encoding.color = { field: o.group, type: 'nominal', title: o.group };
  }
  if (o.column !== undefined) encoding.column = { field: o.column, type: 'nominal', title: o.column };
  return renderSvg({
    ...base,
    title: o.title,
    width: o.width ?? 200,
    height: o.height ?? 220,
    data: { values: o.rows as Row[] },
    mark: 'bar',
    encoding,
  } as TopLevelSpec);
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
  readonly size?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
}

/** Points of `y` against `x`, coloured, shaped and sized by fields. */
export function scatterChart(o: ScatterChartOptions): Promise<string> {
  const encoding: Record<string, unknown> = {
    x: { field: o.x, type: 'quantitative', title: o.xTitle ?? o.x, scale: o.logX ? { type: 'log', nice: false } : { zero: false } },
    y: { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y, scale: o.logY ? { type: 'log' } : { zero: false } },
  };
  if (o.color !== undefined) encoding.color = { field: o.color, type: 'nominal', title: o.color };
  if (o.shape !== undefined) encoding.shape = { field: o.shape, type: 'nominal', title: o.shape };
  if (o.size !== undefined) encoding.size = { field: o.size, type: 'ordinal', title: o.size, scale: { range: [40, 320] } };
  return renderSvg({
    ...base,
    title: o.title,
    width: 520,
    height: 280,
    data: { values: o.rows as Row[] },
    mark: { type: 'point', filled: true },
    encoding,
  } as TopLevelSpec);
}
