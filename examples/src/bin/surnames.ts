#!/usr/bin/env node
/** `node examples/dist/bin/surnames.js --hidden 64 --epochs 5` */
import { flag } from '../cli/flags.js';
import { start } from '../cli/main.js';
import { surnamesSummary } from '../cli/summaries.js';
import { cellKinds } from '../models/recurrent.js';
import { surnamesSection } from '../report/sections.js';
import { run, surnamesDefaults as d } from '../tasks/surnames.js';

start({
  name: 'surnames',
  description: 'Surname -> language with a bidirectional GRU over padded, length-bucketed batches.',
  flags: {
    data: flag.path('folder of <Language>.txt files instead of the bundled names', { mustExist: true }),
    cell: flag.choice(cellKinds, d.cell, 'recurrent cell (read in both directions)'),
    hidden: flag.int(d.hidden, 'hidden units per direction', { min: 1 }),
    embed: flag.int(d.embed, 'character embedding size', { min: 1 }),
    batch: flag.int(d.batch, 'names per batch', { min: 1 }),
    epochs: flag.int(d.epochs, 'passes over the training names', { min: 1 }),
    lr: flag.float(d.lr, 'Adam learning rate', { min: 0 }),
    seed: flag.int(d.seed, 'random seed', { min: 0 }),
  },
  config: (f) => f,
  run,
  summary: surnamesSummary,
  section: surnamesSection,
});
