// charlm-torch: a saved run exported as a PyTorch state dict and imported back is the
// same model bit for bit (no torch needed — the file is what PyTorch would read and
// write), `charlm --checkpoint` samples from the import exactly as from the trained
// run, what PyTorch changed is what comes back, and a state dict of another model is
// refused with every mismatch named.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromStorage, type Tensor } from '@tapestry/core';
import { listCheckpoints, loadSafetensors, saveSafetensors } from '@tapestry/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../src/cli/progress.js';
import * as charlm from '../src/tasks/charlm.js';
import { exportLm, importLm } from '../src/tasks/lm-torch.js';
import type { CheckpointPlan } from '../src/train/checkpoint.js';

let dir = '';
let trained: charlm.CharLmResult;
const sampling = { evalChars: 300, maxOrder: 3, sampleLength: 10, prompt: 'RO' };
const plan = (p: Partial<CheckpointPlan> = {}): CheckpointPlan => ({ every: 0, config: null, provenance: [], ...p });
const newest = (folder: string): string => listCheckpoints(folder).slice(-1)[0].path;
const runOf = (cell: string, dropout: number): string => join(dir, 'runs', `char-LM-${cell}-2x12-dropout-${dropout}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tapestry-charlm-torch-'));
  const text = join(dir, 'corpus.txt');
  writeFileSync(text, 'JULIET:\nO Romeo, Romeo, wherefore art thou Romeo?\n'.repeat(40));
  for (const cell of ['lstm', 'gru'] as const) {
    const config = { ...charlm.charLmDefaults, ...sampling, text, cell, hidden: 12, embed: 6, batch: 4, seqLen: 8, steps: cell === 'lstm' ? 6 : 2, evals: 1, word: undefined };
    const result = await charlm.run(config, silentProgress(Infinity, plan({ save: join(dir, 'runs'), config: JSON.parse(JSON.stringify(config)) as CheckpointPlan['config'] })));
    if (cell === 'lstm') trained = result;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each parameter's name and bytes. */
function paramBytes(file: string): [string, string][] {
  const f = loadSafetensors(file);
  if (f._tag === 'Left') throw f.left;
  return Object.entries(f.right.tensors)
    .filter(([k]) => k.startsWith('params.'))
    .map(([k, t]) => [k, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex')]);
}

describe('charlm-torch export and import', () => {
  it('export → import gives the run’s parameters bit for bit, and charlm --checkpoint samples from it as the trained model did', async () => {
    const run = runOf('lstm', trained.sampledFrom);
    const exported = join(dir, 'export.safetensors');
    const e = exportLm(run, exported);
    expect(e.from).toBe(newest(run));
    expect(e.names).toEqual(['embed.weight', 'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'rnn.weight_ih_l1', 'rnn.weight_hh_l1', 'rnn.bias_ih_l1', 'rnn.bias_hh_l1', 'head.weight', 'head.bias']);
    const file = loadSafetensors(exported);
    if (file._tag === 'Left') throw file.left;
    expect(JSON.parse(file.right.metadata.config)).toMatchObject({ cell: 'lstm', hidden: 12, layers: 2, embed: 6, batch: 4, seqLen: 8, dropout: trained.sampledFrom, vocab: trained.vocabSize });
    expect(file.right.tensors['data.train_ids'].size).toBe(e.trainTokens);

    const imported = importLm(exported, run, join(dir, 'back'));
    expect(imported.file).toBe(join(dir, 'back', `char-LM-lstm-2x12-dropout-${trained.sampledFrom}`, 'checkpoint-000000006.safetensors'));
    expect(imported.tensors).toBe(11);
    expect(paramBytes(imported.file)).toEqual(paramBytes(newest(run)));

    const loaded = await charlm.run({ ...charlm.charLmDefaults, ...sampling, checkpoint: join(dir, 'back') }, silentProgress());
    expect(loaded.samples).toEqual(trained.samples);
  });

  it('what PyTorch trained comes back: the changed parameters, its steps and its losses after Tapestry’s', async () => {
    const run = runOf('lstm', 0);
    const exported = join(dir, 'export0.safetensors');
    exportLm(run, exported);
    const f = loadSafetensors(exported);
    if (f._tag === 'Left') throw f.left;
    // As ddp_charlm.py writes it: the state dict only, with the steps and losses of PyTorch's run.
    const state = Object.fromEntries(Object.entries(f.right.tensors).filter(([k]) => !k.startsWith('data.')));
    const bias = state['head.bias'];
    const moved: Tensor = fromStorage(bias.shape, bias.data.map((x) => x + 0.25));
    saveSafetensors(join(dir, 'torch.safetensors'), { ...state, 'head.bias': moved }, { steps: '3', losses: JSON.stringify([2.5, 2.25, null]) });
    const imported = importLm(join(dir, 'torch.safetensors'), run, join(dir, 'back0'));
    expect(imported.step).toBe(9);
    const back = loadSafetensors(imported.file);
    if (back._tag === 'Left') throw back.left;
    expect(Array.from(back.right.tensors['params.head.bias'].data)).toEqual(Array.from(moved.data));
    const losses = (JSON.parse(back.right.metadata.data) as { losses: (number | null)[] }).losses;
    expect(losses).toEqual([...trained.runs[0].trainLosses, 2.5, 2.25, null]);
    const loaded = await charlm.run({ ...charlm.charLmDefaults, ...sampling, checkpoint: imported.file }, silentProgress());
    expect(loaded.runs[0].trainLosses.slice(-3)).toEqual([2.5, 2.25, NaN]);
  });

  it('a state dict of another model (a GRU for an LSTM) is refused with every mismatch; a folder of two runs must name one', () => {
    const gru = join(dir, 'gru.safetensors');
    exportLm(runOf('gru', 0), gru);
    // Every recurrent tensor is named, each with both shapes: 3 gates × 12 against 4 × 12.
    const everyMismatch = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1'].map((n) => `'rnn\\.${n}' has shape \\[36[,0-9]*\\], the model has \\[48[,0-9]*\\]`).join('; ');
    expect(() => importLm(gru, runOf('lstm', 0), join(dir, 'never'))).toThrow(new RegExp(`^${gru} does not fit the model: ${everyMismatch}$`));
    expect(listCheckpoints(join(dir, 'never', 'char-LM-lstm-2x12-dropout-0'))).toEqual([]);
    expect(() => exportLm(join(dir, 'runs'), join(dir, 'x.safetensors'))).toThrow(`${join(dir, 'runs')}: holds several char-LM- runs (char-LM-gru-2x12-dropout-0, char-LM-gru-2x12-dropout-0.3, char-LM-lstm-2x12-dropout-0, char-LM-lstm-2x12-dropout-0.3); name one`);
  });

  it('the command: usage on wrong arguments (exit 2), one line naming the file on a bad one (exit 1)', () => {
    const bin = fileURLToPath(new URL('../dist/bin/charlm-torch.js', import.meta.url));
    const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });
    const usage = run(['export', 'only-one-argument']);
    expect([usage.status, usage.stderr]).toEqual([2, 'usage: charlm-torch export CHECKPOINT OUT.safetensors | charlm-torch import TORCH.safetensors CHECKPOINT FOLDER\n']);
    const missing = join(dir, 'no-such-run');
    const bad = run(['export', missing, join(dir, 'out.safetensors')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^charlm-torch: ${missing}: [^\n]+\n$`));
  });
});
