/**
 * One self-contained HTML page: sections of text, tables, inline SVG charts and
 * preformatted samples. No scripts, no external files, so it opens anywhere.
 */

/** A piece of a section. */
export type Block =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly caption?: string;
      readonly head: readonly string[];
      readonly rows: readonly (readonly (string | number)[])[];
      /** Significant digits per column (default 4): one number format per column. */
      readonly digits?: readonly (number | undefined)[];
    }
  | { readonly kind: 'chart'; readonly id: string; readonly svg: string; readonly caption: string }
  | { readonly kind: 'pre'; readonly title?: string; readonly text: string };

/** One task's part of the report. */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
}

/** The whole report. */
export interface Report {
  readonly title: string;
  /** Lines under the title (configuration, wall time). */
  readonly meta: readonly string[];
  /** The summary table printed by the demo. */
  readonly summary?: Block;
  readonly sections: readonly Section[];
  /** Notes at the end, e.g. which tasks were skipped after Ctrl-C. */
  readonly notes?: readonly string[];
}

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Formats a number for a table: a few significant digits, exponent for tiny values. */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2);
  return x.toPrecision(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/**
 * One format for a whole column, so its numbers line up: integers as integers; otherwise
 * scientific notation when any value is tiny or huge, else fixed decimals chosen so the
 * smallest non-zero magnitude keeps `digits` significant digits (at most 6 decimals).
 */
export function columnFormat(values: readonly (string | number | undefined)[], digits = 4): (x: number) => string {
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (nums.every(Number.isInteger)) return (x) => (Number.isFinite(x) ? String(x) : String(x));
  const mags = nums.filter((v) => v !== 0).map(Math.abs);
  const [lo, hi] = [Math.min(...mags), Math.max(...mags)];
  if (mags.length > 0 && (lo < 1e-3 || hi >= 1e6)) return (x) => (Number.isFinite(x) ? x.toExponential(digits - 1) : String(x));
  const decimals = mags.length === 0 ? 2 : Math.min(6, Math.max(0, digits - 1 - Math.floor(Math.log10(lo))));
  return (x) => (Number.isFinite(x) ? x.toFixed(decimals) : String(x));
}

function block(b: Block): string {
  switch (b.kind) {
    case 'text':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'pre':
      return `${b.title === undefined ? '' : `<h4>${escapeHtml(b.title)}</h4>`}<pre>${escapeHtml(b.text)}</pre>`;
    case 'chart':
      return `<figure class="chart" data-chart="${escapeHtml(b.id)}">${b.svg}<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
    case 'table':
      return table(b.head, b.rows, b.caption, b.digits);
  }
}

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[], caption?: string, digits?: readonly (number | undefined)[]): string {
  const formats = head.map((_, j) => columnFormat(rows.map((r) => r[j]), digits?.[j]));
  const cell = (v: string | number, j: number): string => (typeof v === 'number' ? `<td class="num">${formats[j](v)}</td>` : `<td>${escapeHtml(v)}</td>`);
  return [
    '<table>',
    caption === undefined ? '' : `<caption>${escapeHtml(caption)}</caption>`,
    `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((v, j) => cell(v, j)).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
}

const style = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; padding: 0 2rem; color: #222; max-width: 1800px; }
p { max-width: 75rem; }
h1 { margin-bottom: .2rem; } .meta { color: #666; margin: 0; }
section { border-top: 1px solid #ddd; margin-top: 2rem; padding-top: .5rem; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; } th { background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 1.2rem 0; } figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: #333; font-size: 14px; max-width: 75rem; background: #f6f8fa; border-left: 3px solid #4c78a8; padding: .4rem .7rem; }
figcaption.warn { border-left-color: #c60; }
pre { background: #f7f7f7; padding: .6rem; white-space: pre-wrap; font-size: 13px; border-left: 3px solid #ccc; }
.notes { color: #a40; }`;

/** Renders the report as one HTML document. */
export function renderHtml(r: Report): string {
  const nav = r.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const sections = r.sections.map((s) => `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.blocks.map(block).join('\n')}</section>`);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(r.title)}</title><style>${style}</style></head><body>`,
    `<h1>${escapeHtml(r.title)}</h1>`,
    ...r.meta.map((m) => `<p class="meta">${escapeHtml(m)}</p>`),
    `<nav>${nav}</nav>`,
    r.summary === undefined ? '' : `<section id="summary"><h2>Summary</h2>${block(r.summary)}</section>`,
    ...sections,
    r.notes === undefined || r.notes.length === 0 ? '' : `<section class="notes">${r.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}</section>`,
    '</body></html>',
  ].join('\n');
}
