/**
 * A small character language model on a bundled slice of tiny Shakespeare (20 kB):
 * embedding → cell → dense scores over the characters, trained with truncated
 * backpropagation through time (the state is carried from one batch to the next, the
 * tape is not). The view samples text from the model.
 */
import { logSoftmax, noGrad, tensor, type Rng, type Tensor } from '@tapestry/core';
import { cellStep, crossEntropy, embedding, hiddenState, linear, scan, type EmbeddingParams, type LinearParams } from '@tapestry/layers';
import { Vocab, lmStream } from '../data.js';
import text from './shakespeare-slice.txt?raw';
import type { TaskFactory } from './task.js';

interface Params {
  readonly embed: EmbeddingParams;
  readonly cell: unknown;
  readonly head: LinearParams;
}

const EMBED = 16;
const BATCH = 16;
const SEQ_LEN = 32;
const PROMPT = 'First Citizen:\n';
const SAMPLE_LENGTH = 160;
const TEMPERATURE = 0.8;

export const charLmTask: TaskFactory = (cell, { hidden }) => {
  const vocab = Vocab.build(text, { specials: {} });
  const stream = lmStream(vocab.encode(text), { batchSize: BATCH, seqLen: SEQ_LEN, dropLast: true });
  let k = 0;
  let carry: unknown = undefined;
  const forward = (p: Params, tokens: Tensor, initial: unknown, keepStates: boolean) => {
    const xs = embedding.apply(p.embed, tokens);
    const out = scan(cell, p.cell, xs, { carry: initial, keepStates });
    return { logits: linear.apply(p.head, out.outputs), states: out.states, carry: out.carry };
  };
  /** The next character's log-probabilities after feeding `id`. */
  const stepLogProbs = (p: Params, state: unknown, id: number): [unknown, Float32Array | Float64Array] => {
    const x = embedding.apply(p.embed, tensor(Int32Array.of(id), { shape: [1] })); // [1, EMBED]
    const [next, h] = cellStep(cell, p.cell, state, x);
    return [next, logSoftmax(linear.apply(p.head, h), -1).data as Float32Array];
  };
  return {
    inputSize: EMBED,
    baseline: { value: Math.log(vocab.size), label: `uniform over ${vocab.size} characters` },
    init: (rng) => ({ embed: embedding.init(rng, vocab.size, EMBED), cell: cell.init(rng, EMBED), head: linear.init(rng, hidden, vocab.size) }),
    loss: (p: Params) => {
      if (k === 0) carry = undefined; // each pass over the text starts from the zero state
      const { inputs, targets } = stream.batch(k);
      const out = forward(p, inputs, carry, true);
      return { loss: crossEntropy(out.logits, targets), hidden: out.states.map(hiddenState), carry: out.carry };
    },
    advance: (next) => {
      carry = next;
      k = (k + 1) % stream.numBatches;
    },
    probe: (p: Params) => noGrad(() => void forward(p, stream.batch(0).inputs, undefined, false)),
    view: (p: Params, rng: Rng) =>
      noGrad(() => {
        let state: unknown = cell.initCarry(1);
        let logProbs: Float32Array | Float64Array = new Float32Array(vocab.size);
        for (const id of vocab.encode(PROMPT)) [state, logProbs] = stepLogProbs(p, state, id);
        const out: number[] = [];
        for (let i = 0; i < SAMPLE_LENGTH; i++) {
          const weights = Float64Array.from(logProbs, (l) => Math.exp(l / TEMPERATURE));
          const next = rng.categorical(weights);
          out.push(next);
          [state, logProbs] = stepLogProbs(p, state, next);
        }
        return { kind: 'text', title: `sampled at temperature ${TEMPERATURE}`, prompt: PROMPT, sample: vocab.decode(out) };
      }),
  };
};
