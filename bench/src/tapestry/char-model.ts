import { Rng, type DType, type Tensor } from '@tapestry/core';
import { GRU, LSTM, embedding, linear, type EmbeddingParams, type LinearParams, type RecurrentModule, type StateDict } from '@tapestry/layers';
import { CHARLM, SEEDS } from '../data/sizes.js';

/** W2/W4's model: Embedding(65 → 64) → 2-layer LSTM or GRU (256) → Linear(256 → 65). */
export interface CharParams {
  embed: EmbeddingParams;
  rnn: StateDict;
  head: LinearParams;
}

/** The model's modules and freshly initialised (seeded) parameters. */
export interface CharModel {
  readonly rnn: RecurrentModule;
  readonly params: CharParams;
  /** Logits [B, T, 65] for tokens [B, T]. */
  logits(params: CharParams, tokens: Tensor): Tensor;
}

export function buildCharModel(kind: 'lstm' | 'gru', dtype: DType = 'float32'): CharModel {
  const options = { inputSize: CHARLM.embed, hiddenSize: CHARLM.hidden, numLayers: CHARLM.layers };
  const rnn = kind === 'lstm' ? LSTM(options) : GRU(options);
  const [r1, r2, r3] = new Rng(SEEDS.init).split(3);
  const params = {
    embed: embedding.init(r1, CHARLM.vocab, CHARLM.embed, { dtype }),
    rnn: rnn.init(r2, dtype),
    head: linear.init(r3, CHARLM.hidden, CHARLM.vocab, { dtype }),
  };
  const logits = (p: CharParams, tokens: Tensor): Tensor => linear.apply(p.head, rnn.apply(p.rnn, embedding.apply(p.embed, tokens)).output);
  return { rnn, params, logits };
}
