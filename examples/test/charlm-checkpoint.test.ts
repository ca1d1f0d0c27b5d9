// `charlm --checkpoint`: a saved run measured and sampled again without training gives
// the trained run's exact samples and loss history, with the model settings taken from
// the checkpoint (the flags' defaults would build a different model); a folder without a
// charlm run, or a file that is not a checkpoint, is a clear error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../src/cli/progress.js';
import * as charlm from '../src/tasks/charlm.js';
import type { CheckpointPlan } from '../src/train/checkpoint.js';

let dir = '';
let text = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tapestry-charlm-checkpoint-'));
  text = join(dir, 'corpus.txt');
  writeFileSync(text, 'ROMEO:\nBut soft, what light through yonder window breaks?\n'.repeat(40));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = (p: Partial<CheckpointPlan>): CheckpointPlan => ({ every: 0, config: null, provenance: [], ...p });

describe('charlm --checkpoint', () => {
  it('samples, beam-searches and reports exactly what the trained run did', async () => {
    const config = { ...charlm.charLmDefaults, text, hidden: 12, embed: 6, batch: 4, seqLen: 8, steps: 6, evals: 1, evalChars: 300, sampleLength: 10, prompt: 'RO' };
    const saving = plan({ save: join(dir, 'runs'), config: JSON.parse(JSON.stringify(config)) as CheckpointPlan['config'] });
    const trained = await charlm.run(config, silentProgress(Infinity, saving));
    const sampling = plan({});
    const loaded = await charlm.run({ ...charlm.charLmDefaults, text, evalChars: 300, sampleLength: 10, prompt: 'RO', checkpoint: join(dir, 'runs') }, silentProgress(Infinity, sampling));
    expect(loaded.config.hidden).toBe(12); // from the checkpoint, not the default 64
    expect(loaded.samples).toEqual(trained.samples);
    expect(loaded.trainLosses).toEqual(trained.trainLosses);
    expect(loaded.evals[loaded.evals.length - 1]).toEqual({ ...trained.evals[trained.evals.length - 1], step: 6 });
    expect(sampling.provenance).toEqual([`charlm: perplexity, samples and beam search from ${join(dir, 'runs', 'charlm-lstm-2x12', 'checkpoint-000000006.safetensors')} (step 6)`]);
  });

  it('a folder without a charlm run, or a file that is not a checkpoint, is a clear error', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    await expect(charlm.run({ ...charlm.charLmDefaults, text, checkpoint: empty }, silentProgress())).rejects.toThrow(`${empty}: holds no checkpoint of a charlm- run`);
    await expect(charlm.run({ ...charlm.charLmDefaults, text, checkpoint: text }, silentProgress())).rejects.toThrow(new RegExp(`^${text}: `));
  });
});
