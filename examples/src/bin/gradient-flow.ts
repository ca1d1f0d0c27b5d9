#!/usr/bin/env node
/** `node examples/dist/bin/gradient-flow.js --length 200 --cells rnn,lstm,gru --steps 100` */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { gradientFlowSummary } from '../cli/summaries.js';
import { cellKinds } from '../models/recurrent.js';
import { gradientFlowSection } from '../report/sections.js';
import { gradientFlowDefaults as d, run } from '../tasks/gradient-flow.js';

start({
  name: 'gradient-flow',
  description: 'Vanishing gradients: |dL/dh_t| over t on the adding problem, and accuracy vs sequence length, per cell.',
  flags: {
    cells: flag.choices(cellKinds, d.cells, 'cells to study (comma-separated)'),
    hidden: flag.int(d.hidden, 'hidden units', { min: 1 }),
    length: flag.int(d.length, 'sequence length T of the gradient-norm study', { min: 2 }),
    batch: flag.int(d.batch, 'batch size', { min: 1 }),
    steps: flag.int(d.steps, 'training steps at T before measuring again', { min: 0 }),
    lengths: flag.ints(d.lengths, 'sequence lengths of the accuracy study', 2),
    lengthSteps: flag.int(d.lengthSteps, 'training steps per cell and length', { min: 1 }),
    lr: flag.float(d.lr, 'Adam learning rate', { min: 0 }),
    forgetBias: flag.float(d.forgetBias, 'initial LSTM forget-gate bias (0 for PyTorch\'s default)'),
    seed: flag.int(d.seed, 'random seed', { min: 0 }),
  },
  config: (f) => ({ ...f }),
  run,
  summary: gradientFlowSummary,
  section: gradientFlowSection,
});
