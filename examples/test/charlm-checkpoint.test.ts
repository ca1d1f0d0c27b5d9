// `charlm --checkpoint`: saved runs measured and sampled again without training give
// the trained runs' exact samples, losses and evaluations (the parameters round-trip
// through the file bit for bit, and the model settings come from the checkpoint: the
// flags' defaults would build a different model). A path without a character run, a
// corrupt file, and checkpoints of other models are clear errors naming the file and key.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeSafetensors } from '@tapestry/core';
import { listCheckpoints, loadSafetensors } from '@tapestry/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../src/cli/progress.js';
import { renderHtml } from '../src/report/html.js';
import { charLmSection } from '../src/report/sections.js';
import * as charlm from '../src/tasks/charlm.js';
import type { CheckpointPlan } from '../src/train/checkpoint.js';

let dir = '';
let text = '';
let runs = '';
let trained: charlm.CharLmResult;
const plan = (p: Partial<CheckpointPlan> = {}): CheckpointPlan => ({ every: 0, config: null, provenance: [], ...p });
// Sampling settings given on both sides; the model settings differ from the defaults on purpose.
const sampling = { evalChars: 300, maxOrder: 3, sampleLength: 10, prompt: 'RO' };
const tiny = { ...charlm.charLmDefaults, ...sampling, hidden: 12, embed: 6, batch: 4, seqLen: 8, steps: 6, evals: 1, word: { hidden: 6, embed: 4, vocab: 12, batch: 2, seqLen: 4, steps: 2, lr: 1e-2 } };
const folderOf = (dropout: number): string => join(runs, `char-LM-lstm-2x12-dropout-${dropout}`);
const newest = (folder: string): string => listCheckpoints(folder).slice(-1)[0].path;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tapestry-charlm-checkpoint-'));
  text = join(dir, 'corpus.txt');
  writeFileSync(text, 'ROMEO:\nBut soft, what light through yonder window breaks?\n'.repeat(40));
  runs = join(dir, 'runs');
  const config = { ...tiny, text };
  trained = await charlm.run(config, silentProgress(Infinity, plan({ save: runs, config: JSON.parse(JSON.stringify(config)) as CheckpointPlan['config'] })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `charlm --checkpoint path` with the default flags but the sampling ones. */
const fromCheckpoint = (path: string, provenance: string[] = []) => charlm.run({ ...charlm.charLmDefaults, ...sampling, checkpoint: path }, silentProgress(Infinity, plan({ provenance })));

describe('charlm --checkpoint', () => {
  it('a --save folder: both character runs measured as trained, the better one samples and beam-searches exactly as the trained model did', async () => {
    const provenance: string[] = [];
    const loaded = await fromCheckpoint(runs, provenance);
    expect(loaded.config).toMatchObject({ hidden: 12, embed: 6, layers: 2, cell: 'lstm', text }); // from the checkpoint, not the default 64
    expect(loaded.samples).toHaveLength(6);
    expect(loaded.samples).toEqual(trained.samples);
    expect(loaded.sampledFrom).toBe(trained.sampledFrom);
    expect(loaded.runs.map((r) => r.dropout)).toEqual([0, 0.3]);
    for (const [i, r] of loaded.runs.entries()) {
      expect(r.testLoss).toBe(trained.runs[i].testLoss);
      expect(r.trainLosses).toEqual(trained.runs[i].trainLosses);
      expect(r.evals).toEqual([trained.runs[i].evals[trained.runs[i].evals.length - 1]]);
    }
    expect(loaded.ngrams).toEqual(trained.ngrams);
    expect(loaded.word).toBeUndefined();
    expect(provenance).toEqual([0, 0.3].map((d) => `char LM lstm 2×12 dropout ${d}: test loss, samples and beam search from ${newest(folderOf(d))} (step 6)`));
  });

  it('a run folder or a checkpoint file: that run alone', async () => {
    for (const path of [folderOf(0.3), newest(folderOf(0.3))]) {
      const loaded = await fromCheckpoint(path);
      expect(loaded.runs.map((r) => [r.dropout, r.testLoss])).toEqual([[0.3, trained.runs[1].testLoss]]);
      expect(loaded.runs[0].checkpoint).toBe(`${newest(folderOf(0.3))} (step 6)`);
      // The page says where the numbers came from, and does not read one loaded run as an interrupted training.
      const html = renderHtml({ title: 't', meta: [], sections: [await charLmSection(loaded)] });
      expect(html).toContain(`Nothing was trained in this run: the parameters were loaded (dropout 0.3 from ${newest(folderOf(0.3))} (step 6))`);
      expect(html).toContain('Only the dropout 0.3 run was loaded: comparing dropout off and on needs both');
      expect(html).not.toContain('interrupted');
    }
  });

  it('the command prints the trained model’s samples and names the checkpoints on its page', () => {
    const out = join(dir, 'page.html');
    const bin = fileURLToPath(new URL('../dist/bin/charlm.js', import.meta.url));
    const args = ['--checkpoint', runs, '--eval-chars', '300', '--max-order', '3', '--sample-length', '10', '--prompt', 'RO', '--out', out];
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toContain("the checkpoint's settings replace the flags: text");
    expect(r.status).toBe(0);
    for (const s of trained.samples) expect(r.stdout).toContain(`${s.text}\n`);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain(`loaded from ${newest(folderOf(trained.sampledFrom))} (step 6)`);
  });

  it('no character run there, a corrupt file, another program’s or the word model’s checkpoint: an error naming the file (and key)', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    await expect(fromCheckpoint(empty)).rejects.toThrow(`${empty}: holds no checkpoint of a char-LM- run`);
    const missing = join(dir, 'no-such-run');
    await expect(fromCheckpoint(missing)).rejects.toThrow(new RegExp(`^${missing}: `));
    await expect(fromCheckpoint(text)).rejects.toThrow(new RegExp(`^${text}: `)); // not a safetensors file at all

    const corrupt = join(dir, 'corrupt.safetensors');
    const bytes = readFileSync(newest(folderOf(0)));
    writeFileSync(corrupt, bytes.subarray(0, bytes.length - 100)); // truncated mid-tensor
    await expect(fromCheckpoint(corrupt)).rejects.toThrow(new RegExp(`^${corrupt}: .*`));

    const word = newest(join(runs, 'word-LM-lstm-2x6'));
    await expect(fromCheckpoint(word)).rejects.toThrow(`${word}: 'data.run': is a checkpoint of 'word LM lstm 2×6', not of a character language model`);

    const sine = join(dir, 'sine.safetensors');
    rewrite(newest(folderOf(0)), sine, (m) => ({ ...m, config: JSON.stringify({ cells: ['lstm'], hidden: 32 }) }));
    await expect(fromCheckpoint(sine)).rejects.toThrow(`${sine}: 'config.cell': must be one of rnn, lstm, gru, got null (not a checkpoint of charlm?)`);
  });

  it('parameters that do not fit the model the settings describe (another size, or the text changed since): the file and the parameter', async () => {
    const resized = join(dir, 'resized', 'char-LM-lstm-2x16-dropout-0');
    mkdirSync(resized, { recursive: true });
    rewrite(newest(folderOf(0)), join(resized, 'checkpoint-000000006.safetensors'), (m) => ({ ...m, data: m.data.replace('2×12', '2×16'), config: m.config.replace('"hidden":12', '"hidden":16') }));
    await expect(fromCheckpoint(resized)).rejects.toThrow(new RegExp(`^${join(resized, 'checkpoint-000000006.safetensors')}: 'params\\.[a-z_.0-9]+': .*shape`));

    // The same run, but its text has gained a character: the vocabulary no longer fits the embedding.
    const moved = join(dir, 'moved');
    const corpus = join(dir, 'corpus-changed.txt');
    writeFileSync(corpus, `${readFileSync(text, 'utf8')}Zounds!\n`);
    mkdirSync(join(moved, 'char-LM-lstm-2x12-dropout-0'), { recursive: true });
    const file = join(moved, 'char-LM-lstm-2x12-dropout-0', 'checkpoint-000000006.safetensors');
    rewrite(newest(folderOf(0)), file, (m) => ({ ...m, config: m.config.replace(JSON.stringify(text), JSON.stringify(corpus)) }));
    await expect(fromCheckpoint(moved)).rejects.toThrow(`${file}: 'params.embed.weight': `);
  });
});

/** Copies a checkpoint with its metadata edited (the tensors unchanged). */
function rewrite(from: string, to: string, edit: (metadata: Record<string, string>) => Record<string, string>): void {
  const file = loadSafetensors(from);
  if (file._tag === 'Left') throw file.left;
  writeFileSync(to, encodeSafetensors(file.right.tensors, edit(file.right.metadata)));
}
