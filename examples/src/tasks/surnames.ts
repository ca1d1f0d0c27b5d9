/**
 * Task 5 — sequence classification: which language does a surname come from?
 *
 * Names have different lengths, so batches are padded, and names of similar length are
 * bucketed together to waste little work on padding. A bidirectional GRU reads each
 * name both ways; `lengths` tells it where each name ends, so padding steps neither
 * change the state nor receive gradient, and the backward direction starts at the last
 * real character. The two final states feed a dense layer over the languages.
 */
import { Rng, concat, index, noGrad, type Tensor } from '@tapestry/core';
import { crossEntropy, embedding, linear, type EmbeddingParams, type LinearParams, type StateDict } from '@tapestry/layers';
import { adam, chain, clipByGlobalNorm } from '@tapestry/optim';
import { loadSurnames } from '@tapestry/data/node';
import { Vocab, bucketBatches, getOrThrow, labelledBatch, splitDataset, type LabelledBatch, type LabelledSequence } from '@tapestry/data';
import type { Progress } from '../cli/progress.js';
import { recurrentModule, type CellKind } from '../models/recurrent.js';
import { train } from '../train/loop.js';

/** Settings of the classifier. */
export interface SurnamesConfig {
  /** A folder of `<Language>.txt` files instead of the bundled set. */
  readonly data?: string;
  /** The cell read in both directions; the tutorial's is a GRU. */
  readonly cell: CellKind;
  readonly hidden: number;
  readonly embed: number;
  readonly batch: number;
  readonly epochs: number;
  readonly lr: number;
  readonly seed: number;
}

/** The defaults `pnpm demo` uses. */
export const surnamesDefaults: SurnamesConfig = { cell: 'gru', hidden: 32, embed: 16, batch: 64, epochs: 1, lr: 1e-2, seed: 0 };

/** Test accuracy of one language. */
export interface ClassAccuracy {
  readonly language: string;
  readonly count: number;
  readonly accuracy: number;
}

/** The task's outcome. */
export interface SurnamesResult {
  readonly config: SurnamesConfig;
  readonly languages: readonly string[];
  readonly trainSize: number;
  readonly testSize: number;
  readonly trainLosses: readonly number[];
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  readonly majorityBaseline: number;
  readonly perClass: readonly ClassAccuracy[];
  /** confusion[actual][predicted] counts on the test set. */
  readonly confusion: readonly (readonly number[])[];
  readonly interrupted: boolean;
}

/** Embedding → bidirectional GRU → dense over languages. */
interface Params {
  readonly embed: EmbeddingParams;
  readonly rnn: StateDict;
  readonly head: LinearParams;
}

/** Loads the names, builds the character vocabulary, and splits train/validation/test. */
function loadData(dir: string | undefined, seed: number) {
  const { examples, languages } = getOrThrow(loadSurnames(dir === undefined ? {} : { dir }));
  const vocab = Vocab.build(examples.map((e) => e.name)); // pad = 0, unk = 1, ...
  const encoded: LabelledSequence[] = examples.map((e) => ({ tokens: vocab.encode(e.name), label: e.label }));
  const { train, test } = splitDataset(encoded, new Rng(seed), { stratify: (e) => e.label });
  return { vocab, languages, train, test };
}

/** Builds the classifier: parameters and logits for a padded batch. */
function makeModel(c: SurnamesConfig, vocabSize: number, classes: number) {
  const birnn = recurrentModule(c.cell, { inputSize: c.embed, hiddenSize: c.hidden, bidirectional: true });
  const rng = new Rng(c.seed + 1);
  const params: Params = { embed: embedding.init(rng, vocabSize, c.embed, { paddingIdx: 0 }), rnn: birnn.init(rng), head: linear.init(rng, 2 * c.hidden, classes) };
  const logits = (p: Params, batch: LabelledBatch): Tensor => {
    const { h_n } = birnn.apply(p.rnn, embedding.apply(p.embed, batch.tokens, { paddingIdx: 0 }), { lengths: batch.lengths });
    // h_n is [2, B, H]: the forward state after each name's last character, and the
    // backward state after its first. Together they summarise the whole name.
    return linear.apply(p.head, concat([index(h_n, 0, 0), index(h_n, 0, 1)], 1));
  };
  return { params, logits };
}

/** Length-bucketed batches for every epoch, shuffled by a seeded generator. */
function epochBatches(items: readonly LabelledSequence[], c: SurnamesConfig): LabelledSequence[][] {
  const rng = new Rng(c.seed + 2);
  return Array.from({ length: c.epochs }, () => bucketBatches(items, { batchSize: c.batch, rng, lengthOf: (e) => e.tokens.length })).flat();
}

/** Confusion counts of the model on `items`, in batches of 256 without a tape. */
function confusionMatrix(logits: (batch: LabelledBatch) => Tensor, items: readonly LabelledSequence[], classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  noGrad(() => {
    for (const group of bucketBatches(items, { batchSize: 256, lengthOf: (e) => e.tokens.length })) {
      const batch = labelledBatch(group);
      const scores = logits(batch);
      for (let b = 0; b < group.length; b++) {
        let best = 0;
        for (let k = 1; k < classes; k++) if (scores.data[b * classes + k] > scores.data[b * classes + best]) best = k;
        m[group[b].label][best]++;
      }
    }
  });
  return m;
}

/** Trains the classifier and measures it on the held-out test names. */
export async function run(config: SurnamesConfig, progress: Progress): Promise<SurnamesResult> {
  const { vocab, languages, train: trainSet, test } = loadData(config.data, config.seed);
  const model = makeModel(config, vocab.size, languages.length);
  const batches = epochBatches(trainSet, config);
  const trained = await train({
    label: `surnames bi-${config.cell} ${config.hidden}`,
    params: model.params,
    optimizer: chain(clipByGlobalNorm(5), adam({ lr: config.lr })),
    steps: batches.length,
    loss: (p: Params, step: number) => {
      const batch = labelledBatch(batches[step]);
      return [crossEntropy(model.logits(p, batch), batch.targets), null] as const;
    },
    progress,
    itemsPerStep: config.batch,
    unit: 'names',
  });

  const confusion = confusionMatrix((b) => model.logits(trained.params, b), test, languages.length);
  const perClass = languages.map((language, k) => {
    const count = confusion[k].reduce((a, b) => a + b, 0);
    return { language, count, accuracy: count === 0 ? NaN : confusion[k][k] / count };
  });
  const correct = confusion.reduce((s, row, k) => s + row[k], 0);
  return {
    config,
    languages,
    trainSize: trainSet.length,
    testSize: test.length,
    trainLosses: trained.losses,
    accuracy: correct / test.length,
    balancedAccuracy: perClass.reduce((s, p) => s + p.accuracy, 0) / perClass.length,
    majorityBaseline: Math.max(...perClass.map((p) => p.count)) / test.length,
    perClass,
    confusion,
    interrupted: trained.interrupted,
  };
}
