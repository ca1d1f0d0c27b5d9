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

  it('architectures: every budget, cell and seed runs, with a hidden size whose parameter count is nearest the budget', async () => {
    const r = await architectures.run({ ...architectures.architecturesDefaults, cells: ['gru', 'lstm'], layers: [1], budgets: [200], seeds: [0, 1], epochs: 5 }, quiet);
    expect(r.runs.map((x) => `${x.cell}${x.seed}`)).toEqual(['gru0', 'gru1', 'lstm0', 'lstm1']);
    for (const x of r.runs) {
      expect(Number.isFinite(x.finalLoss) && x.msPerEpoch > 0).toBe(true);
      // Nearest: one unit more or less moves the count further from the budget.
      const off = (h: number): number => Math.abs(architectures.parameterCount(x.cell, 1, h) - 200);
      expect(off(x.hidden)).toBeLessThanOrEqual(Math.min(off(x.hidden - 1), off(x.hidden + 1)));
    }
    // The formula counts what the model really holds: LSTM, 1 input, H = 5 → 4·5·(1+5) + 2·4·5 + 5 + 1.
    expect(architectures.parameterCount('lstm', 1, 5)).toBe(4 * 5 * 6 + 40 + 6);
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await architecturesSection(r)] }))).toEqual(expectedCharts.architectures);
  });

  it('gradient flow: a learning-rate search, a norm per step at every length, chance measured, clipping on and off', async () => {
    const config = { ...gradientFlow.gradientFlowDefaults, hidden: 8, batch: 4, lengths: [4, 40], maxSteps: 3, searchSteps: 2, searchLength: 4, exploding: { ...gradientFlow.gradientFlowDefaults.exploding, hidden: 8, length: 20, steps: 3 } };
    const r = await gradientFlow.run(config, quiet);
    expect(r.search).toHaveLength(9);
    expect(Object.keys(r.chosenLr).sort()).toEqual(['gru', 'lstm', 'rnn']);
    expect(r.sweep.map((s) => `${s.cell}${s.length}`)).toEqual(['rnn4', 'lstm4', 'gru4', 'rnn40', 'lstm40', 'gru40']);
    const [rnn, lstm] = [r.sweep.find((s) => s.cell === 'rnn' && s.length === 40), r.sweep.find((s) => s.cell === 'lstm' && s.length === 40)];
    expect(rnn?.normsInitial).toHaveLength(40);
    expect(allFinite([...(rnn?.normsInitial ?? []), ...(lstm?.normsTrained ?? [])])).toBe(true);
    expect(rnn?.normsInitial.every((v) => v > 0)).toBe(true);
    // At initialisation the error signal reaches step 1 far better through the LSTM (forget bias 5).
    expect(gradientFlow.reachRatio(rnn?.normsInitial ?? [1]) * 10).toBeLessThan(gradientFlow.reachRatio(lstm?.normsInitial ?? [0]));
    // Chance is "always answer 1" on the same test sequences: about 8% (2·0.04 − 0.04²).
    for (const s of r.sweep) expect(Math.abs(s.chance - 0.0784)).toBeLessThan(0.04);
    expect(r.exploding.map((e) => e.clipped)).toEqual([false, true]);
    expect(r.exploding.every((e) => e.gradNorms.length === 3)).toBe(true);
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await gradientFlowSection(r)] }))).toEqual(expectedCharts['gradient-flow']);
  });

  it('LM: dropout off and on, n-grams of every order tuned and tested, the word variant, six decoders with log-probabilities', async () => {
    const config = { ...charlm.charLmDefaults, text: data.text, hidden: 16, embed: 8, batch: 4, seqLen: 16, steps: 30, lr: 2e-2, evals: 2, evalChars: 150, maxOrder: 4, sampleLength: 12, prompt: 'RO', word: { hidden: 8, embed: 4, vocab: 20, batch: 2, seqLen: 4, steps: 4, lr: 1e-2 } };
    const r = await charlm.run(config, quiet);
    expect(r.runs.map((x) => x.dropout)).toEqual([0, 0.3]);
    for (const x of r.runs) {
      expect(mean(x.trainLosses.slice(-5))).toBeLessThan(mean(x.trainLosses.slice(0, 5)));
      expect(x.evals.length).toBeGreaterThanOrEqual(2);
      expect(allFinite([x.testLoss, ...x.evals.map((e) => e.devLoss)])).toBe(true);
    }
    expect(r.ngrams.map((g) => g.order)).toEqual([1, 2, 3, 4]);
    expect(r.ngrams.every((g) => config.discounts.includes(g.discount) && g.testPerplexity < r.vocabSize)).toBe(true);
    expect(r.word?.evals.length).toBeGreaterThan(0);
    expect(r.samples).toHaveLength(6);
    for (const s of r.samples) {
      expect(s.logProb).toBeLessThan(0);
      expect(s.perToken).toBeCloseTo(s.logProb / s.tokens, 12);
    }
    expect(countCharts(renderHtml({ title: 't', meta: [], sections: [await charLmSection(r)] }))).toEqual(expectedCharts.charlm);
  });

  it('LM: other cells plug in (a GRU carries h only, through training and beam search)', async () => {
    const config = { ...charlm.charLmDefaults, cell: 'gru' as const, text: data.text, hidden: 8, embed: 4, batch: 4, seqLen: 8, steps: 4, evals: 1, evalChars: 200, maxOrder: 2, sampleLength: 5, prompt: 'RO', word: undefined };
    const r = await charlm.run(config, quiet);
    expect(r.runs.every((x) => allFinite(x.trainLosses))).toBe(true);
    expect(r.samples.filter((s) => !s.method.startsWith('beam')).every((s) => s.text.length === 7)).toBe(true);
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
