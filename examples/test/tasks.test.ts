import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installBackend } from '../src/cli/backend.js';
import { silentProgress } from '../src/cli/progress.js';
import { renderHtml } from '../src/report/html.js';
import { architecturesSection, charLmSection, customCellSection, expectedCharts, gradientFlowSection, sineSection, surnamesSection } from '../src/report/sections.js';
import * as architectures from '../src/tasks/architectures.js';
import * as charlm from '../src/tasks/charlm.js';
import * as customCell from '../src/tasks/custom-cell.js';
import * as gradientFlow from '../src/tasks/gradient-flow.js';
import * as sine from '../src/tasks/sine.js';
import * as surnames from '../src/tasks/surnames.js';

const quiet = silentProgress();
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const allFinite = (xs: readonly number[]): boolean => xs.every(Number.isFinite);

/** Tiny stand-ins for the bundled data sets, so each task runs in a second. */
function fixtures(): { text: string; names: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tapestry-examples-'));
  const text = join(dir, 'corpus.txt');
  writeFileSync(text, 'ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east.\n'.repeat(40));
  const names = join(dir, 'names');
  mkdirSync(names);
  writeFileSync(join(names, 'Dutch.txt'), 'Aalsburg\nAalst\nAarle\nAchteren\nAchthoven\nAdrichem\nAggelen\nAgteren\nAgthoven\nAkkeren\n');
  writeFileSync(join(names, 'Japanese.txt'), 'Abe\nAbukara\nAdachi\nAida\nAihara\nAizawa\nAjibana\nAkaishi\nAkaike\nAkamatsu\n');
  writeFileSync(join(names, 'Greek.txt'), 'Adamidis\nAdamou\nAgelakos\nAkrivopoulos\nAlexandropoulos\nAnetakis\nAngelopoulos\nAntimisiaris\nAntipas\nAntonakos\n');
  return { text, names };
}

describe('tasks on tiny configurations', () => {
  const data = fixtures();

  it('sine: every model trains, the loss falls, and the report section has its charts', async () => {
    const r = await sine.run({ ...sine.sineDefaults, models: ['rnn', 'bilstm'], hidden: 8, epochs: 40 }, quiet);
    for (const run of r.runs) {
      expect(allFinite(run.losses) && Number.isFinite(run.heldOutLoss)).toBe(true);
      expect(mean(run.losses.slice(-5))).toBeLessThan(mean(run.losses.slice(0, 5)));
      expect(run.prediction).toHaveLength(10);
    }
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await sineSection(r)] }))).toEqual(expectedCharts.sine);
  });

  it('architectures: one finite result per configuration', async () => {
    const r = await architectures.run({ ...architectures.architecturesDefaults, cells: ['gru', 'lstm'], layers: [1, 2], hidden: [4], epochs: 5 }, quiet);
    expect(r.runs.map((x) => `${x.cell}${x.layers}`)).toEqual(['gru1', 'gru2', 'lstm1', 'lstm2']);
    expect(r.runs.every((x) => Number.isFinite(x.finalLoss) && x.msPerEpoch > 0)).toBe(true);
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await architecturesSection(r)] }))).toEqual(expectedCharts.architectures);
  });

  it('gradient flow: a norm per step, vanishing faster in the RNN than in the LSTM at initialisation', async () => {
    const r = await gradientFlow.run({ ...gradientFlow.gradientFlowDefaults, hidden: 8, length: 40, batch: 4, steps: 2, lengths: [4], lengthSteps: 3 }, quiet);
    const [rnn, lstm] = [r.norms.find((n) => n.cell === 'rnn'), r.norms.find((n) => n.cell === 'lstm')];
    expect(rnn?.initial).toHaveLength(40);
    expect(allFinite([...(rnn?.initial ?? []), ...(lstm?.trained ?? [])])).toBe(true);
    expect(rnn?.initial.every((v) => v > 0)).toBe(true);
    expect(rnn?.ratioInitial ?? 1).toBeLessThan(lstm?.ratioInitial ?? 0);
    expect(r.accuracy).toHaveLength(3);
    expect(r.accuracy.every((a) => a.accuracy >= 0 && a.accuracy <= 1 && Number.isFinite(a.mse))).toBe(true);
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await gradientFlowSection(r)] }))).toEqual(expectedCharts['gradient-flow']);
  });

  it('char LM: the loss falls, perplexities are finite, and all four decoders produce text', async () => {
    const config = { ...charlm.charLmDefaults, text: data.text, hidden: 16, embed: 8, batch: 4, seqLen: 16, steps: 30, lr: 2e-2, evals: 2, evalChars: 300, sampleLength: 12, prompt: 'RO' };
    const r = await charlm.run(config, quiet);
    expect(mean(r.trainLosses.slice(-5))).toBeLessThan(mean(r.trainLosses.slice(0, 5)));
    expect(r.evals.length).toBeGreaterThanOrEqual(2);
    expect(allFinite(r.evals.map((e) => e.perplexity)) && Number.isFinite(r.ngram.perplexity)).toBe(true);
    expect(r.ngram.perplexity).toBeLessThan(r.vocabSize);
    expect(r.samples.map((s) => s.method)).toEqual(['greedy', 'temperature 0.8', 'top-5 sampling', 'beam search (width 4)']);
    for (const s of r.samples) expect(s.text).toHaveLength(2 + 12);
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await charLmSection(r)] }))).toEqual(expectedCharts.charlm);
  });

  it('char LM: other cells plug in (a GRU carries h only, through training and beam search)', async () => {
    const config = { ...charlm.charLmDefaults, cell: 'gru' as const, text: data.text, hidden: 8, embed: 4, batch: 4, seqLen: 8, steps: 4, evals: 1, evalChars: 200, sampleLength: 5, prompt: 'RO' };
    const r = await charlm.run(config, quiet);
    expect(allFinite(r.trainLosses)).toBe(true);
    expect(r.samples.every((s) => s.text.length === 7)).toBe(true);
  });

  it('surnames: trains over padded buckets and reports a confusion matrix over the test names', async () => {
    const r = await surnames.run({ ...surnames.surnamesDefaults, data: data.names, hidden: 8, embed: 4, batch: 4, epochs: 3 }, quiet);
    expect(r.languages).toEqual(['Dutch', 'Greek', 'Japanese']);
    expect(allFinite(r.trainLosses)).toBe(true);
    expect(mean(r.trainLosses.slice(-3))).toBeLessThan(mean(r.trainLosses.slice(0, 3)));
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(r.testSize);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await surnamesSection(r)] }))).toEqual(expectedCharts.surnames);
  });

  it('custom cell: the MGU passes its gradient check and trains next to the LSTM', async () => {
    const r = await customCell.run({ ...customCell.customCellDefaults, hidden: 8, length: 6, batch: 8, steps: 40, checkRuns: 3 }, quiet);
    expect(r.gradientCheck.ok).toBe(true);
    expect(r.runs.map((x) => x.cell)).toEqual(['mgu', 'lstm']);
    for (const run of r.runs) expect(mean(run.losses.slice(-5))).toBeLessThan(mean(run.losses.slice(0, 5)));
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await customCellSection(r)] }))).toEqual(expectedCharts['custom-cell']);
  });

  it('stops early when the progress says so (Ctrl-C)', async () => {
    const r = await sine.run({ ...sine.sineDefaults, models: ['gru', 'lstm'], hidden: 4, epochs: 50 }, silentProgress(7));
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0].losses).toHaveLength(7);
    expect(r.runs[0].interrupted).toBe(true);
  });

  it.each(['wasm', 'native'] as const)('--backend %s trains the same models as --backend js, up to float32 rounding', async (choice) => {
    const config = { ...sine.sineDefaults, models: ['lstm' as const, 'gru' as const], hidden: 8, epochs: 40 };
    installBackend('js');
    const js = await sine.run(config, quiet);
    installBackend(choice);
    try {
      const wasm = await sine.run(config, quiet);
      let differing = 0;
      for (const [i, run] of wasm.runs.entries()) {
        // Products summed in another order differ by float32 rounding: 1.1e-7 relative at
        // most over these 40 Adam steps when measured; 1e-5 leaves a hundredfold margin.
        run.losses.forEach((loss, step) => {
          const reference = js.runs[i].losses[step];
          expect(Math.abs(loss - reference)).toBeLessThan(1e-5 * reference);
          if (loss !== reference) differing++;
        });
      }
      expect(differing).toBeGreaterThan(0); // the products really ran in the other kernels
    } finally {
      installBackend('js');
    }
  });
});

/** The chart ids of the page, in order, each with a non-empty <svg>. */
function countCharts(html: string): string[] {
  const ids: string[] = [];
  for (const m of html.matchAll(/<figure class="chart" data-chart="([^"]+)">(<svg[\s\S]*?<\/svg>)/g)) {
    if (m[2].length > 500 && /<path|<rect/.test(m[2])) ids.push(m[1]);
  }
  return ids;
}
