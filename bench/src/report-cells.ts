import { formatFigure, markdownTable } from './format.js';
import { IMPL_LABELS } from './implementations.js';
import type { RunRecord } from './protocol.js';
import type { ImplId, WorkloadResult } from './types.js';

/**
 * W6 side by side: for each Tapestry column and size, the custom cell's (MGU) time
 * over the built-in GRU's — the target is ≤ 1.15 — with PyTorch's GRU beside it.
 * The MGU does two thirds of a GRU's arithmetic, so at equal overhead it is below 1.
 */
export function cellsTable(records: readonly RunRecord[]): string {
  const ok = (impl: ImplId, variant: string): WorkloadResult | undefined => {
    const r = records.find((x) => x.workload === 'W6' && x.impl === impl && x.variant === variant);
    return r?.outcome.status === 'ok' ? r.outcome.result : undefined;
  };
  const ours = [...new Set(records.filter((r) => r.workload === 'W6' && r.impl.startsWith('tapestry')).map((r) => r.impl))];
  const rows = ['h16', 'h128'].flatMap((size) =>
    ours.flatMap((impl) => {
      const gru = ok(impl, `gru-${size}`);
      const mgu = ok(impl, `mgu-${size}`);
      if (gru === undefined && mgu === undefined) return [];
      const torch = ok('pytorch-1t', `gru-${size}`);
      const cell = (r: WorkloadResult | undefined): string => (r === undefined ? '—' : formatFigure(r.figure));
      const ratio = gru === undefined || mgu === undefined ? '—' : (mgu.figure / gru.figure).toFixed(2);
      return [[size === 'h16' ? 'sine, hidden 16' : 'B=32, T=100, H=128', IMPL_LABELS[impl], cell(gru), cell(mgu), ratio, cell(torch)]];
    }),
  );
  if (rows.length === 0) return '';
  return markdownTable(['W6 size', 'impl', 'built-in GRU ms/step', 'MGU (public ops) ms/step', 'MGU / GRU (target ≤ 1.15)', 'PyTorch GRU 1 thread'], rows);
}
