#!/usr/bin/env node
/** `node examples/dist/bin/sine.js --cell lstm --hidden 32 --epochs 300` */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { sineSummary } from '../cli/summaries.js';
import { sineSection } from '../report/sections.js';
import { run, sineDefaults as d, sineModels } from '../tasks/sine.js';

start({
  name: 'sine',
  description: 'Sine-wave prediction: RNN vs LSTM vs GRU vs bidirectional LSTM on windows of sin t.',
  flags: {
    cell: flag.choices(sineModels, d.models, 'models to train (comma-separated)'),
    hidden: flag.int(d.hidden, 'hidden units', { min: 1 }),
    layers: flag.int(d.layers, 'stacked layers', { min: 1 }),
    epochs: flag.int(d.epochs, 'full-batch epochs', { min: 1 }),
    lr: flag.float(d.lr, 'Adam learning rate', { min: 0 }),
    window: flag.int(d.window, 'steps per window (sequence length)', { min: 1, max: 90 }),
    heldOut: flag.int(d.heldOut, 'windows held out at the end', { min: 1, max: 80 }),
    seed: flag.int(d.seed, 'random seed', { min: 0 }),
  },
  config: (f) => ({ models: f.cell, hidden: f.hidden, layers: f.layers, epochs: f.epochs, lr: f.lr, window: f.window, heldOut: f.heldOut, seed: f.seed }),
  check: (c) => (c.window + c.heldOut >= 100 ? `--window ${c.window} with --held-out ${c.heldOut} leaves no windows to train on` : undefined),
  run,
  summary: sineSummary,
  section: sineSection,
});
