/**
 * The language model of task 4, over any token ids (characters or words): an
 * embedding, a stacked recurrent layer, dropout (between layers and before the head,
 * as the tutorial's `nn.Dropout(0.3)`), and a dense layer scoring the next token.
 * Training uses truncated backpropagation through time: the text is cut into B
 * parallel rows, each batch is the next T tokens of every row, and the recurrent state
 * is carried from one batch to the next (with no gradient through it).
 */
import { Rng, gather, jit, logSoftmax, noGrad, reshape, tensor, type Tensor } from '@tapestry/core';
import { crossEntropy, dropout, embedding, linear, type EmbeddingParams, type LinearParams, type StateDict } from '@tapestry/layers';
import { adam, chain, clipByGlobalNorm, cosineDecay } from '@tapestry/optim';
import { lmStream } from '@tapestry/data';
import type { Progress } from '../cli/progress.js';
import { recurrentModule, type CellKind } from '../models/recurrent.js';
import type { StepModel } from '../text/decoding.js';
import { train } from '../train/loop.js';

/** The shape and training budget of one language model. */
export interface LmSpec {
  readonly cell: CellKind;
  readonly hidden: number;
  readonly layers: number;
  readonly embed: number;
  readonly dropout: number;
  readonly batch: number;
  readonly seqLen: number;
  readonly steps: number;
  /** Peak Adam learning rate; cosine decay to a tenth. */
  readonly lr: number;
  /** Evaluations during training (the last one at the end). */
  readonly evals: number;
  /** Tokens of each evaluation slice. */
  readonly evalTokens: number;
  readonly seed: number;
}

/** Embedding → stacked recurrent layer → dense scores over the vocabulary. */
export interface LmParams {
  readonly embed: EmbeddingParams;
  readonly rnn: StateDict;
  readonly head: LinearParams;
}

/** The recurrent state carried between batches: h (and the LSTM's c), [layers, B, H] each. */
export interface LmCarry {
  readonly h: Tensor;
  readonly c?: Tensor;
}

/** Builds the model: parameters, and a forward pass from token ids to next-token logits. */
export function makeLm(s: LmSpec, vocabSize: number) {
  const rnn = recurrentModule(s.cell, { inputSize: s.embed, hiddenSize: s.hidden, numLayers: s.layers, dropout: s.dropout });
  const rng = new Rng(s.seed);
  const params: LmParams = { embed: embedding.init(rng, vocabSize, s.embed), rnn: rnn.init(rng), head: linear.init(rng, s.hidden, vocabSize) };
  const dropRng = new Rng(s.seed + 7);
  /** `training` turns dropout on (between layers and on the top layer's output). */
  const forward = (p: LmParams, tokens: Tensor, carry: LmCarry, training = false): { logits: Tensor; carry: LmCarry } => {
    const active = training && s.dropout > 0;
    const out = rnn.apply(p.rnn, embedding.apply(p.embed, tokens), { h0: carry.h, c0: carry.c, train: active, rng: active ? dropRng : undefined });
    const top = active ? dropout(out.output, { p: s.dropout, training: true, rng: dropRng }) : out.output;
    return { logits: linear.apply(p.head, top), carry: { h: out.h_n, c: out.c_n } };
  };
  const zeroCarry = (batch: number): LmCarry => {
    const z = tensor(new Float32Array(s.layers * batch * s.hidden), { shape: [s.layers, batch, s.hidden] });
    return s.cell === 'lstm' ? { h: z, c: z } : { h: z };
  };
  return { spec: s, vocabSize, params, forward, zeroCarry, dropoutRng: dropRng };
}

/** A model built by {@link makeLm}. */
export type Lm = ReturnType<typeof makeLm>;

/**
 * Mean next-token loss (nats) on `ids`, cut into 16 rows that carry their state across
 * windows, as in training; dropout off, no tape. Also returns how many tokens were
 * predicted (the n-gram baseline scores the same ones).
 */
export function evaluateLm(model: Lm, params: LmParams, ids: Int32Array): { loss: number; predicted: number } {
  const stream = lmStream(ids, { batchSize: 16, seqLen: model.spec.seqLen });
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
  return { loss: total / count, predicted: stream.tokensUsed };
}

/** One evaluation during training. */
export interface LmEval {
  readonly step: number;
  readonly tokens: number;
  /** Loss on a slice of the training text (dropout off), and on the development slice. */
  readonly trainLoss: number;
  readonly devLoss: number;
}

/** The evaluation after `step` steps: losses on the first `evalTokens` of the training and development slices. */
export function measureLm(model: Lm, params: LmParams, step: number, trainIds: Int32Array, devIds: Int32Array): LmEval {
  const s = model.spec;
  const probe = (ids: Int32Array): number => evaluateLm(model, params, ids.subarray(0, s.evalTokens)).loss;
  return { step, tokens: step * s.batch * s.seqLen, trainLoss: probe(trainIds), devLoss: probe(devIds) };
}

/** Trains with truncated BPTT, evaluating `spec.evals` times on the first `evalTokens` of each slice. */
export async function trainLm(model: Lm, trainIds: Int32Array, devIds: Int32Array, label: string, progress: Progress) {
  const s = model.spec;
  const stream = lmStream(trainIds, { batchSize: s.batch, seqLen: s.seqLen, dropLast: true });
  let carry = model.zeroCarry(s.batch);
  const evals: LmEval[] = [];
  const every = Math.max(1, Math.floor(s.steps / Math.max(s.evals, 1)));
  const measure = (step: number, params: LmParams): void => {
    const e = measureLm(model, params, step, trainIds, devIds);
    evals.push(e);
    progress.log(`  ${label} step ${step}: train ${e.trainLoss.toFixed(3)}, dev ${e.devLoss.toFixed(3)} nats/token (perplexity ${Math.exp(e.devLoss).toFixed(2)})`);
  };
  const run = await train({
    label,
    params: model.params,
    optimizer: chain(clipByGlobalNorm(5), adam({ lr: cosineDecay({ init: s.lr, decaySteps: s.steps, end: s.lr / 10 }) })),
    steps: s.steps,
    loss: (p: LmParams, step: number) => {
      const k = step % stream.numBatches;
      if (k === 0) carry = model.zeroCarry(s.batch); // a new pass over the text starts afresh
      const { inputs, targets } = stream.batch(k);
      const out = model.forward(p, inputs, carry, true);
      return [crossEntropy(out.logits, targets), out.carry] as const;
    },
    after: (step, _loss, params, next) => {
      carry = next; // the state goes on to the next batch; the tape does not
      if ((step + 1) % every === 0 || step + 1 === s.steps) measure(step + 1, params);
    },
    progress,
    itemsPerStep: s.batch * s.seqLen,
    unit: 'tok',
    // What else the steps depend on, so --resume continues bit for bit: the dropout
    // generator and the state carried across batches.
    resumable: { rngs: { dropout: model.dropoutRng }, carry: { get: () => carry, set: (saved) => void (carry = saved as LmCarry) } },
  });
  return { run, evals, tokensPerSecond: (run.steps * s.batch * s.seqLen) / Math.max(run.seconds, 1e-9) };
}

/**
 * One step of the model for ids `[B, 1]`, as log-probabilities `[B, V]` and the next
 * carry, `jit`ted: traced once per batch width, then each call runs as one plan.
 */
export function tokenStep(model: Lm) {
  return jit((p: LmParams, ids: Tensor, state: LmCarry) => {
    const out = model.forward(p, ids, state);
    return { logProbs: logSoftmax(reshape(out.logits, [ids.shape[0], model.vocabSize]), -1), carry: out.carry };
  });
}

/** The trained model one token at a time, for the decoders (through {@link tokenStep}). */
export function stepModel(model: Lm, params: LmParams): StepModel<LmCarry> {
  const V = model.vocabSize;
  const forwardStep = tokenStep(model);
  return {
    vocabSize: V,
    initState: (batch) => model.zeroCarry(batch),
    step: (state, tokens) =>
      noGrad(() => {
        const out = forwardStep(params, tensor(Int32Array.from(tokens), { shape: [tokens.length, 1] }), state);
        return { logProbs: out.logProbs.data, state: out.carry };
      }),
    select: (state, rows) => {
      const idx = tensor(Int32Array.from(rows), { shape: [rows.length] });
      return noGrad(() => ({ h: gather(state.h, idx, 1), c: state.c === undefined ? undefined : gather(state.c, idx, 1) }));
    },
  };
}
