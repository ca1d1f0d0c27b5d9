#!/usr/bin/env node
/** `node examples/dist/bin/charlm.js --hidden 128 --steps 2000` */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { charLmSummary } from '../cli/summaries.js';
import { cellKinds } from '../models/recurrent.js';
import { charLmSection } from '../report/sections.js';
import { charLmDefaults as d, run } from '../tasks/charlm.js';

start({
  name: 'charlm',
  description: 'Character language model: a stacked LSTM on tiny Shakespeare vs a Kneser-Ney n-gram, with greedy, sampled and beam-search text.',
  flags: {
    text: flag.path('train on this UTF-8 text file instead of tiny Shakespeare', { mustExist: true }),
    cell: flag.choice(cellKinds, d.cell, 'recurrent cell'),
    hidden: flag.int(d.hidden, 'hidden units per layer', { min: 1 }),
    layers: flag.int(d.layers, 'stacked LSTM layers', { min: 1 }),
    embed: flag.int(d.embed, 'character embedding size', { min: 1 }),
    batch: flag.int(d.batch, 'rows per batch', { min: 1 }),
    seqLen: flag.int(d.seqLen, 'truncated-BPTT window (sequence length)', { min: 1 }),
    steps: flag.int(d.steps, 'training steps', { min: 1 }),
    lr: flag.float(d.lr, 'peak Adam learning rate (cosine decay to a tenth)', { min: 0 }),
    evals: flag.int(d.evals, 'validation measurements during training', { min: 1 }),
    evalChars: flag.int(d.evalChars, 'validation characters per measurement', { min: 100 }),
    ngramOrder: flag.int(d.ngramOrder, 'order n of the n-gram baseline', { min: 1, max: 10 }),
    prompt: flag.text(d.prompt, 'prompt for the samples (\\n for a newline)'),
    sampleLength: flag.int(d.sampleLength, 'characters to generate per sample', { min: 1 }),
    temperature: flag.float(d.temperature, 'sampling temperature', { min: 0.01 }),
    topK: flag.int(d.topK, 'k of top-k sampling', { min: 1 }),
    beam: flag.int(d.beam, 'beam width', { min: 1 }),
    seed: flag.int(d.seed, 'random seed', { min: 0 }),
    checkpoint: flag.path('skip training: sample and beam-search from this checkpoint (a file, or a --save folder)', { mustExist: true }),
  },
  config: (f) => f,
  run,
  summary: charLmSummary,
  section: charLmSection,
});
