/**
 * Task 4 — a character-level language model of tiny Shakespeare.
 *
 * Characters are embedded, read by a 2-layer LSTM, and a dense layer scores the next
 * character. Training uses truncated backpropagation through time: the text is cut
 * into B parallel rows, each batch is the next T characters of every row, and the LSTM
 * state is carried from one batch to the next (with no gradient through it). We track
 * validation perplexity against a smoothed character n-gram model on the same text,
 * then generate text from a prompt four ways.
 */
import { Rng, gather, logSoftmax, noGrad, reshape, tensor, type Tensor } from '@tapestry/core';
import { crossEntropy, embedding, linear, type EmbeddingParams, type LinearParams, type StateDict } from '@tapestry/layers';
import { adam, chain, clipByGlobalNorm, cosineDecay } from '@tapestry/optim';
import { Vocab, getOrThrow, lmStream } from '@tapestry/data';
import { loadTinyShakespeare } from '@tapestry/data/node';
import type { Progress } from '../cli/progress.js';
import { recurrentModule, type CellKind } from '../models/recurrent.js';
import { beamSearch, greedy, sample, type StepModel } from '../text/decoding.js';
import { ngramPerplexity, trainNgram } from '../text/ngram.js';
import { train } from '../train/loop.js';
import { resolveCheckpoint, savedConfig } from '../train/checkpoint.js';
import { loadCheckpoint } from '@tapestry/core/node';

/** Settings of the language model. */
export interface CharLmConfig {
  /** A UTF-8 text file to train on instead of tiny Shakespeare. */
  readonly text?: string;
  /** The recurrent cell; the tutorial's model is an LSTM. */
  readonly cell: CellKind;
  readonly hidden: number;
  readonly layers: number;
  readonly embed: number;
  readonly batch: number;
  readonly seqLen: number;
  readonly steps: number;
  readonly lr: number;
  /** Evaluate validation perplexity this many times during training. */
  readonly evals: number;
  /** Characters of the validation text used for each evaluation (the final one included). */
  readonly evalChars: number;
  readonly ngramOrder: number;
  readonly prompt: string;
  readonly sampleLength: number;
  readonly temperature: number;
  readonly topK: number;
  readonly beam: number;
  readonly seed: number;
  /** Skip training: sample, beam-search and measure perplexity with the parameters of this checkpoint (a file or a `--save` folder). */
  readonly checkpoint?: string;
}

/** The defaults `pnpm demo` uses. */
export const charLmDefaults: CharLmConfig = {
  cell: 'lstm',
  hidden: 64,
  layers: 2,
  embed: 16,
  batch: 32,
  seqLen: 32,
  steps: 300,
  lr: 1e-2,
  evals: 5,
  evalChars: 10_000,
  ngramOrder: 5,
  prompt: 'ROMEO:\n',
  sampleLength: 200,
  temperature: 0.8,
  topK: 5,
  beam: 4,
  seed: 0,
};

/** One validation measurement. */
export interface EvalPoint {
  readonly step: number;
  readonly loss: number;
  readonly perplexity: number;
}

/** The task's outcome. */
export interface CharLmResult {
  readonly config: CharLmConfig;
  readonly vocabSize: number;
  readonly trainChars: number;
  readonly trainLosses: readonly number[];
  readonly evals: readonly EvalPoint[];
  readonly ngram: { readonly order: number; readonly perplexity: number };
  readonly samples: readonly { readonly method: string; readonly text: string }[];
  readonly tokensPerSecond: number;
  readonly interrupted: boolean;
}

/** Embedding → stacked LSTM → dense scores over the vocabulary. */
interface Params {
  readonly embed: EmbeddingParams;
  readonly rnn: StateDict;
  readonly head: LinearParams;
}

/** The recurrent state carried between batches: h (and the LSTM's c), [layers, B, H] each. */
interface Carry {
  readonly h: Tensor;
  readonly c?: Tensor;
}

/** Reads the corpus and splits it: the first 90% for training, the rest for validation. */
function loadCorpus(path: string | undefined) {
  const text = getOrThrow(loadTinyShakespeare(path === undefined ? {} : { path }));
  const vocab = Vocab.build(text, { specials: {} });
  const cut = Math.floor(text.length * 0.9);
  return { vocab, trainText: text.slice(0, cut), validText: text.slice(cut) };
}

/** Builds the model: parameters, and a forward pass from token ids to next-token logits. */
function makeModel(c: CharLmConfig, vocabSize: number) {
  const rnn = recurrentModule(c.cell, { inputSize: c.embed, hiddenSize: c.hidden, numLayers: c.layers });
  const rng = new Rng(c.seed);
  const params: Params = {
    embed: embedding.init(rng, vocabSize, c.embed),
    rnn: rnn.init(rng),
    head: linear.init(rng, c.hidden, vocabSize),
  };
  const forward = (p: Params, tokens: Tensor, carry: Carry): { logits: Tensor; carry: Carry } => {
    const out = rnn.apply(p.rnn, embedding.apply(p.embed, tokens), { h0: carry.h, c0: carry.c });
    return { logits: linear.apply(p.head, out.output), carry: { h: out.h_n, c: out.c_n } };
  };
  const zeroCarry = (batch: number): Carry => {
    const z = tensor(new Float32Array(c.layers * batch * c.hidden), { shape: [c.layers, batch, c.hidden] });
    return c.cell === 'lstm' ? { h: z, c: z } : { h: z };
  };
  return { params, forward, zeroCarry };
}

type Model = ReturnType<typeof makeModel>;

/**
 * Mean next-character loss on the first `chars` characters of `ids`, cut into 16 rows
 * that carry their state across windows, as in training. No tape is recorded.
 */
function evaluate(model: Model, params: Params, ids: Int32Array, chars: number, seqLen: number): EvalPoint & { predicted: number } {
  const stream = lmStream(ids.subarray(0, Math.min(chars, ids.length)), { batchSize: 16, seqLen });
  let carry = model.zeroCarry(16);
  let total = 0;
  let count = 0;
  noGrad(() => {
    for (const { inputs, targets } of stream) {
      const out = model.forward(params, inputs, carry);
      total += crossEntropy(out.logits, targets).item() * targets.size;
      count += targets.size;
      carry = out.carry;
    }
  });
  return { step: 0, loss: total / count, perplexity: Math.exp(total / count), predicted: stream.tokensUsed };
}

/** Trains the model with truncated BPTT, evaluating every `steps / evals` steps. */
async function trainLm(c: CharLmConfig, model: Model, trainIds: Int32Array, validIds: Int32Array, progress: Progress) {
  const stream = lmStream(trainIds, { batchSize: c.batch, seqLen: c.seqLen, dropLast: true });
  let carry = model.zeroCarry(c.batch);
  const evals: EvalPoint[] = [];
  const every = Math.max(1, Math.floor(c.steps / Math.max(c.evals, 1)));
  const run = await train({
    label: `charlm ${c.cell} ${c.layers}×${c.hidden}`,
    params: model.params,
    optimizer: chain(clipByGlobalNorm(5), adam({ lr: cosineDecay({ init: c.lr, decaySteps: c.steps, end: c.lr / 10 }) })),
    steps: c.steps,
    loss: (p: Params, step: number) => {
      const k = step % stream.numBatches;
      if (k === 0) carry = model.zeroCarry(c.batch); // a new pass over the text starts afresh
      const { inputs, targets } = stream.batch(k);
      const out = model.forward(p, inputs, carry);
      return [crossEntropy(out.logits, targets), out.carry] as const;
    },
    after: (step, _loss, params, next) => {
      carry = next; // the state goes on to the next batch; the tape does not
      if ((step + 1) % every === 0 && step + 1 < c.steps) {
        const e = evaluate(model, params, validIds, c.evalChars, c.seqLen);
        evals.push({ step: step + 1, loss: e.loss, perplexity: e.perplexity });
        progress.log(`  step ${step + 1}: validation loss ${e.loss.toFixed(3)}, perplexity ${e.perplexity.toFixed(2)}`);
      }
    },
    progress,
    itemsPerStep: c.batch * c.seqLen,
    unit: 'tok',
    // The LSTM state carried across batches is part of the run's state.
    resumable: { carry: { get: () => carry, set: (saved) => void (carry = saved as Carry) } },
  });
  return { run, evals };
}

/** The trained model one token at a time, for the decoders. */
function stepModel(model: Model, params: Params, vocabSize: number): StepModel<Carry> {
  return {
    vocabSize,
    initState: (batch) => model.zeroCarry(batch),
    step: (state, tokens) =>
      noGrad(() => {
        const ids = tensor(Int32Array.from(tokens), { shape: [tokens.length, 1] });
        const out = model.forward(params, ids, state);
        return { logProbs: logSoftmax(reshape(out.logits, [tokens.length, vocabSize]), -1).data, state: out.carry };
      }),
    select: (state, rows) => {
      const idx = tensor(Int32Array.from(rows), { shape: [rows.length] });
      return noGrad(() => ({ h: gather(state.h, idx, 1), c: state.c === undefined ? undefined : gather(state.c, idx, 1) }));
    },
  };
}

/** Greedy, tempered, top-k and beam-search continuations of the prompt. */
function generate(c: CharLmConfig, m: StepModel<Carry>, vocab: Vocab) {
  const prompt = Array.from(vocab.encode(c.prompt));
  const text = (ids: readonly number[]): string => c.prompt + vocab.decode(Int32Array.from(ids));
  const rng = new Rng(c.seed + 1);
  return [
    { method: 'greedy', text: text(greedy(m, prompt, c.sampleLength)) },
    { method: `temperature ${c.temperature}`, text: text(sample(m, prompt, c.sampleLength, { rng, temperature: c.temperature })) },
    { method: `top-${c.topK} sampling`, text: text(sample(m, prompt, c.sampleLength, { rng, topK: c.topK })) },
    { method: `beam search (width ${c.beam})`, text: text(beamSearch(m, prompt, c.sampleLength, c.beam)[0].tokens) },
  ];
}

/** The model settings a checkpoint was trained with; they override the flags when sampling from it. */
const modelKeys = ['text', 'cell', 'hidden', 'layers', 'embed', 'seqLen', 'steps'] as const;

/** The parameters and loss history of a saved run, in place of training (`--checkpoint`). */
function fromCheckpoint(c: CharLmConfig, model: Model, progress: Progress) {
  const file = resolveCheckpoint(c.checkpoint ?? '', 'charlm-');
  const loaded = loadCheckpoint(file, { params: model.params });
  if (loaded._tag === 'Left') throw new Error(loaded.left.message);
  const losses = ((loaded.right.data as { losses?: unknown[] } | null)?.losses ?? []).map((x) => (typeof x === 'number' ? x : NaN));
  progress.checkpoints?.provenance.push(`charlm: perplexity, samples and beam search from ${file} (step ${loaded.right.step})`);
  progress.log(`  loaded ${file} (step ${loaded.right.step})`);
  return { run: { params: loaded.right.params, losses, steps: loaded.right.step, seconds: Infinity, interrupted: false }, evals: [] as EvalPoint[] };
}

/** Trains the LM (or loads it with `checkpoint`), compares it with the n-gram baseline, and samples from it. */
export async function run(flags: CharLmConfig, progress: Progress): Promise<CharLmResult> {
  const saved = flags.checkpoint === undefined ? {} : savedConfig(resolveCheckpoint(flags.checkpoint, 'charlm-'));
  const config: CharLmConfig = { ...flags, ...Object.fromEntries(modelKeys.filter((k) => saved[k] !== undefined).map((k) => [k, saved[k]])) };
  const overridden = modelKeys.filter((k) => saved[k] !== undefined && saved[k] !== flags[k]);
  if (overridden.length > 0) progress.log(`  the checkpoint's settings replace the flags: ${overridden.map((k) => `${k} ${String(saved[k])}`).join(', ')}`);
  const { vocab, trainText, validText } = loadCorpus(config.text);
  const [trainIds, validIds] = [vocab.encode(trainText), vocab.encode(validText)];
  const model = makeModel(config, vocab.size);
  const { run: trained, evals } = config.checkpoint === undefined ? await trainLm(config, model, trainIds, validIds, progress) : fromCheckpoint(config, model, progress);

  const final = evaluate(model, trained.params, validIds, config.evalChars, config.seqLen);
  evals.push({ step: trained.steps, loss: final.loss, perplexity: final.perplexity });
  progress.log(`  final: validation loss ${final.loss.toFixed(3)}, perplexity ${final.perplexity.toFixed(2)}`);

  // The baseline sees the same training text and predicts the same validation characters.
  const predicted = final.predicted;
  const ngram = trainNgram(trainText, { order: config.ngramOrder, vocabSize: vocab.size });
  const ngramPpl = ngramPerplexity(ngram, validText.slice(0, predicted + 1));

  const samples = progress.shouldStop() ? [] : generate(config, stepModel(model, trained.params, vocab.size), vocab);
  return {
    config,
    vocabSize: vocab.size,
    trainChars: trainText.length,
    trainLosses: trained.losses,
    evals,
    ngram: { order: config.ngramOrder, perplexity: ngramPpl },
    samples,
    tokensPerSecond: (trained.steps * config.batch * config.seqLen) / Math.max(trained.seconds, 1e-9),
    interrupted: trained.interrupted,
  };
}
