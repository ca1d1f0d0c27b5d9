import type { FmaPeak } from './fma-peak.js';
import { formatFigure, markdownTable } from './format.js';
import { IMPL_LABELS } from './implementations.js';
import type { RunRecord } from './protocol.js';
import { IMPL_IDS } from './types.js';

/**
 * W5 against the machine's ceiling: each implementation's GFLOP/s as a share of the
 * widest FMA peak times the threads it used (the native backend's target: one thread ≥ 85 %).
 * The 128-bit share is beside it — WebAssembly SIMD's own ceiling.
 */
export function peakTable(records: readonly RunRecord[], peak: FmaPeak | undefined): string {
  if (peak === undefined || !peak.ok) return '';
  const widest = peak.widths[0]!;
  const narrow = peak.widths.find((w) => w.bits === 128);
  const sizes = [...new Set(records.filter((r) => r.workload === 'W5').map((r) => r.variant))];
  const rows = IMPL_IDS.flatMap((impl) =>
    sizes.flatMap((n) => {
      const r = records.find((x) => x.workload === 'W5' && x.impl === impl && x.variant === n);
      if (r?.outcome.status !== 'ok') return [];
      const { figure, threads } = r.outcome.result;
      const share = (gflops: number): string => `${Math.round((100 * figure) / (gflops * threads))} %`;
      return [[IMPL_LABELS[impl], n, String(threads), formatFigure(figure), share(widest.gflops), narrow === undefined ? '—' : share(narrow.gflops)]];
    }),
  );
  if (rows.length === 0) return '';
  return markdownTable(['impl', 'n', 'threads', 'GFLOP/s', `of ${widest.bits}-bit peak × threads`, 'of 128-bit peak × threads'], rows);
}
