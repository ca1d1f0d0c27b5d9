#!/usr/bin/env node
/** `node examples/dist/bin/gradient-flow.js --lengths 10,25,50,100 --max-steps 2000` */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { gradientFlowSummary } from '../cli/summaries.js';
import { cellKinds } from '../models/recurrent.js';
import { gradientFlowSection } from '../report/sections.js';
import { gradientFlowDefaults as d, run } from '../tasks/gradient-flow.js';

start({
  name: 'gradient-flow',
  description: 'Vanishing and exploding gradients on the adding problem: a learning-rate search, a training-length sweep with |dL/dh_t| before and after training, and clipping on/off.',
  flags: {
    cells: flag.choices(cellKinds, d.cells, 'cells to study (comma-separated)'),
    hidden: flag.int(d.hidden, 'hidden units', { min: 1 }),
    batch: flag.int(d.batch, 'batch size', { min: 1 }),
    lengths: flag.ints(d.lengths, 'training lengths T of the sweep', 2),
    maxSteps: flag.int(d.maxSteps, 'step budget per cell and length (training stops early once solved)', { min: 1 }),
    stopAccuracy: flag.float(d.stopAccuracy, 'validation accuracy that counts as solved', { min: 0, max: 1 }),
    checkEvery: flag.int(d.checkEvery, 'steps between validation checks', { min: 1 }),
    searchLength: flag.int(d.searchLength, 'sequence length of the learning-rate search', { min: 2 }),
    searchSteps: flag.int(d.searchSteps, 'steps per learning rate in the search', { min: 1 }),
    forgetBias: flag.float(d.forgetBias, 'initial LSTM forget-gate bias (0 for PyTorch\'s default)'),
    clip: flag.float(d.clip, 'global gradient-norm clipping in the sweep', { min: 0 }),
    seed: flag.int(d.seed, 'random seed', { min: 0 }),
  },
  config: (f) => ({ ...d, ...f }),
  run,
  summary: gradientFlowSummary,
  section: gradientFlowSection,
});
