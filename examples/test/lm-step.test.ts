import { logSoftmax, noGrad, reshape, tensor } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import { makeLm, stepModel, tokenStep, type LmSpec } from '../src/tasks/lm-model.js';

// The decoders' step model runs the language model through `jit`: it must give what the
// model's forward gives op by op, token after token, carry after carry.
const spec = (cell: LmSpec['cell']): LmSpec => ({ cell, hidden: 12, layers: 2, embed: 6, dropout: 0.2, batch: 2, seqLen: 4, steps: 1, lr: 1e-3, evals: 1, evalTokens: 8, seed: 3 });

describe.each(['lstm', 'gru', 'rnn'] as const)('stepModel (%s)', (cell) => {
  it('matches the forward pass run op by op over several tokens, and after beams are selected', () => {
    const V = 9;
    const model = makeLm(spec(cell), V);
    const stepper = stepModel(model, model.params);
    expect(tokenStep(model).explain(model.params, tensor(Int32Array.of(1, 2), { shape: [2, 1] }), model.zeroCarry(2))).toMatch(/^compiled: /);
    let compiled = stepper.initState(2);
    let eager = model.zeroCarry(2);
    const feeds = [[1, 4], [8, 0], [3, 3], [5, 2]];
    feeds.forEach((tokens, k) => {
      const got = stepper.step(compiled, tokens);
      const want = noGrad(() => {
        const out = model.forward(model.params, tensor(Int32Array.from(tokens), { shape: [2, 1] }), eager);
        return { logProbs: logSoftmax(reshape(out.logits, [2, V]), -1).data, carry: out.carry };
      });
      // float32 throughout; the plan fuses the gate math into programs whose exp/tanh may
      // differ from the op kernels by a few ulps: 1e-5 absolute on log-probabilities ~ −2.
      for (let i = 0; i < want.logProbs.length; i++) expect(Math.abs(got.logProbs[i] - want.logProbs[i])).toBeLessThan(1e-5);
      compiled = got.state;
      eager = want.carry;
      if (k === 1) {
        // A beam search keeps some rows: the next step starts from the selected carry.
        compiled = stepper.select(compiled, [1, 1]);
        eager = stepper.select(eager, [1, 1]);
      }
    });
  });
});
