import { describe, expect, it } from 'vitest';
import { seriesColor } from '../src/report/charts.js';
import { columnFormat, renderHtml } from '../src/report/html.js';
import { gradientFlowSection } from '../src/report/sections.js';
import { gradientFlowDefaults, type GradientFlowResult, type LengthRun } from '../src/tasks/gradient-flow.js';

/** A sweep entry with given scores; norms that vanish for the RNN and not for gated cells. */
function entry(cell: 'rnn' | 'lstm' | 'gru', length: number, accuracy: number): LengthRun {
  const decay = cell === 'rnn' ? 0.5 : 0.98;
  const norms = Array.from({ length }, (_, t) => decay ** (length - 1 - t));
  return { cell, length, lr: 0.01, steps: 100, solved: accuracy > 0.9, accuracy, mse: accuracy > 0.9 ? 1e-4 : 0.16, chance: 0.08, losses: [0.2, 0.1], normsInitial: norms, normsTrained: norms, msPerStep: 1 };
}

function result(gated: number): GradientFlowResult {
  const config = { ...gradientFlowDefaults, lengths: [10, 50] };
  const sweep = config.lengths.flatMap((T) => [entry('rnn', T, 0.08), entry('lstm', T, gated), entry('gru', T, gated)]);
  return { config, search: [], chosenLr: { rnn: 0.01, lstm: 0.01, gru: 0.01 }, sweep, exploding: [] };
}

const captions = (html: string): string[] => [...html.matchAll(/<figcaption>([\s\S]*?)<\/figcaption>/g)].map((m) => m[1]);

describe('captions are read from the results', () => {
  it('say the lesson appeared when the gated cells learn and the RNN stays at chance', async () => {
    const html = renderHtml({ title: 't', meta: [], sections: [await gradientFlowSection(result(0.97))] });
    const accuracy = captions(html).find((c) => c.startsWith('Test accuracy')) ?? '';
    expect(accuracy).toContain('The lesson appears at T = 10, 50');
    expect(accuracy).toContain('LSTM 0.97');
  });

  it('say plainly that it did not, and why, when the gated cells fail too', async () => {
    const html = renderHtml({ title: 't', meta: [], sections: [await gradientFlowSection(result(0.3))] });
    const accuracy = captions(html).find((c) => c.startsWith('Test accuracy')) ?? '';
    expect(accuracy).toContain('The lesson did NOT appear');
    expect(accuracy).toContain('step budget');
  });

  it('say whether the clipped exploding run learned, against always answering 1', async () => {
    const caption = async (clippedMse: number): Promise<string> => {
      const run = (clipped: boolean, testMse: number) => ({ clipped, losses: [1, 2], gradNorms: [1e3, 1e21], testMse });
      const r = { ...result(0.97), exploding: [run(false, Number.NaN), run(true, clippedMse)] };
      const html = renderHtml({ title: 't', meta: [], sections: [await gradientFlowSection(r)] });
      return captions(html).find((c) => c.includes('clipping to norm')) ?? '';
    };
    expect(await caption(1.81)).toContain('Finite is not learned');
    expect(await caption(0.05)).toContain('learned something');
    expect(await caption(Number.NaN)).toContain('Even clipped, this run ended in NaN');
  });

  it('give every chart a caption', async () => {
    const html = renderHtml({ title: 't', meta: [], sections: [await gradientFlowSection(result(0.97))] });
    expect(captions(html)).toHaveLength((html.match(/<figure class="chart"/g) ?? []).length);
  });
});

describe('page readability', () => {
  it('formats a column one way: fixed decimals by its smallest value, or exponents when any value is tiny', () => {
    const f = columnFormat([0.0123, 1.5, 12.25]);
    expect([0.0123, 1.5, 12.25].map(f)).toEqual(['0.01230', '1.50000', '12.25000']);
    const g = columnFormat([2e-5, 0.5], 3);
    expect([2e-5, 0.5].map(g)).toEqual(['2.00e-5', '5.00e-1']);
    expect(columnFormat([3, 40])(40)).toBe('40');
  });

  it('gives a cell type one colour in every chart, whatever the label says after it', () => {
    expect(seriesColor('LSTM', 0)).toBe(seriesColor('lstm, 2 layers', 5));
    expect(seriesColor('LSTM, dropout 0.3', 2)).toBe(seriesColor('LSTM', 0));
    expect(seriesColor('GRU', 0)).not.toBe(seriesColor('RNN', 0));
    expect(seriesColor('bi-LSTM', 0)).not.toBe(seriesColor('LSTM', 0));
  });
});
