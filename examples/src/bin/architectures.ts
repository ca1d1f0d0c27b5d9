#!/usr/bin/env node
/** `node examples/dist/bin/architectures.js --cells lstm,gru --hidden 16,32 --epochs 100` */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { architecturesSummary } from '../cli/summaries.js';
import { cellKinds } from '../models/recurrent.js';
import { architecturesSection } from '../report/sections.js';
import { architecturesDefaults as d, run } from '../tasks/architectures.js';

start({
  name: 'architectures',
  description: 'Architecture comparison on the sine task: cell × layers × hidden size, final loss and time per epoch.',
  flags: {
    cells: flag.choices(cellKinds, d.cells, 'cells to compare (comma-separated)'),
    layers: flag.ints(d.layers, 'numbers of stacked layers (comma-separated)'),
    hidden: flag.ints(d.hidden, 'hidden sizes (comma-separated)'),
    epochs: flag.int(d.epochs, 'full-batch epochs per configuration', { min: 1 }),
    lr: flag.float(d.lr, 'Adam learning rate', { min: 0 }),
    seed: flag.int(d.seed, 'random seed', { min: 0 }),
  },
  config: (f) => ({ cells: f.cells, layers: f.layers, hidden: f.hidden, epochs: f.epochs, lr: f.lr, seed: f.seed }),
  run,
  summary: architecturesSummary,
  section: architecturesSection,
});
