#!/usr/bin/env node
/** `node examples/dist/bin/architectures.js --cells lstm,gru --budgets 1000,4000 --epochs 200` */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { architecturesSummary } from '../cli/summaries.js';
import { cellKinds } from '../models/recurrent.js';
import { architecturesSection } from '../report/sections.js';
import { architecturesDefaults as d, run } from '../tasks/architectures.js';

start({
  name: 'architectures',
  description: 'Architecture comparison on the sine task at equal parameter budgets: training curves over seeds, parameter counts and time per epoch.',
  flags: {
    cells: flag.choices(cellKinds, d.cells, 'cells to compare (comma-separated)'),
    layers: flag.ints(d.layers, 'numbers of stacked layers (comma-separated)'),
    budgets: flag.ints(d.budgets, 'parameter budgets (comma-separated)', 10),
    seeds: flag.ints(d.seeds, 'seeds (comma-separated)', 0),
    epochs: flag.int(d.epochs, 'full-batch epochs per run', { min: 1 }),
    lr: flag.float(d.lr, 'Adam learning rate', { min: 0 }),
  },
  config: (f) => ({ cells: f.cells, layers: f.layers, budgets: f.budgets, seeds: f.seeds, epochs: f.epochs, lr: f.lr }),
  run,
  summary: architecturesSummary,
  section: architecturesSection,
});
