#!/usr/bin/env node
/**
 * `node examples/dist/bin/charlm.js --hidden 128 --steps 2000 --save runs`, then
 * `node examples/dist/bin/charlm.js --checkpoint runs --temperature 0.6 --beam 8`
 */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { charLmSummary } from '../cli/summaries.js';
import { cellKinds } from '../models/recurrent.js';
import { charLmSection } from '../report/sections.js';
import { charLmDefaults as d, run } from '../tasks/charlm.js';

start({
  name: 'charlm',
  description: 'Language model of tiny Shakespeare: a stacked LSTM with dropout off and on vs Kneser-Ney n-grams of orders 1..n, an optional word-level variant, and six decoders. With --checkpoint, no training: the saved character model(s) are measured and decode the prompt (--prompt, --sample-length, --temperature, --top-k, --top-p, --beam, --seed).',
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
    evalChars: flag.int(d.evalChars, 'characters of each evaluation slice (training, development, test)', { min: 100 }),
    dropout: flag.float(d.dropout, 'dropout of the second run (the first has none)', { min: 0, max: 0.95 }),
    maxOrder: flag.int(d.maxOrder, 'n-gram baselines of orders 1..n', { min: 1, max: 12 }),
    word: flag.bool('also train the word-level variant'),
    prompt: flag.text(d.prompt, 'prompt for the samples (\\n for a newline)'),
    sampleLength: flag.int(d.sampleLength, 'characters to generate per sample', { min: 1 }),
    temperature: flag.float(d.temperature, 'sampling temperature', { min: 0.01 }),
    topK: flag.int(d.topK, 'k of top-k sampling', { min: 1 }),
    topP: flag.float(d.topP, 'p of nucleus (top-p) sampling', { min: 0.01, max: 1 }),
    beam: flag.int(d.beam, 'beam width', { min: 1 }),
    seed: flag.int(d.seed, 'random seed (also of the samples)', { min: 0 }),
    checkpoint: flag.path('skip training: measure and sample from a saved character model — a checkpoint file, a run folder, or a --save folder (each of its character runs; the better one samples); the model settings are the checkpoint\'s', { mustExist: true }),
  },
  config: (f) => ({ ...f, discounts: d.discounts, word: f.word ? d.word : undefined }),
  run,
  summary: charLmSummary,
  section: charLmSection,
});
