#!/usr/bin/env node
/** `node examples/dist/bin/custom-cell.js --length 50 --steps 400` */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { customCellSummary } from '../cli/summaries.js';
import { customCellSection } from '../report/sections.js';
import { customCellDefaults as d, run } from '../tasks/custom-cell.js';

start({
  name: 'custom-cell',
  description: 'A user-written cell (minimal gated unit): one-line gradient check, then the adding problem vs LSTM.',
  flags: {
    hidden: flag.int(d.hidden, 'hidden units', { min: 1 }),
    length: flag.int(d.length, 'adding-problem sequence length', { min: 2 }),
    batch: flag.int(d.batch, 'batch size', { min: 1 }),
    steps: flag.int(d.steps, 'training steps per cell', { min: 1 }),
    lr: flag.float(d.lr, 'Adam learning rate', { min: 0 }),
    checkRuns: flag.int(d.checkRuns, 'random cases of the gradient check', { min: 1 }),
    seed: flag.int(d.seed, 'random seed', { min: 0 }),
  },
  config: (f) => ({ ...f }),
  run,
  summary: customCellSummary,
  section: customCellSection,
});
