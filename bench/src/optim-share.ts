/**
 * The optimizer's share of a W2 training step (2-layer LSTM 256, batch 32 × 64, Adam with
 * global-norm clipping at 5, float32): times the gradient computation and `opt.step`
 * separately over 3 warm-up and `steps` timed steps and prints their medians.
 *
 *   pnpm --filter @tapestry/bench exec tsx src/optim-share.ts [steps]
 */
import { tensor, valueAndGrad, type Tensor } from '@tapestry/core';
import { crossEntropy } from '@tapestry/layers';
import { adam, chain, clipByGlobalNorm } from '@tapestry/optim';
import { uniformInts } from './data/random.js';
import { ADAM, CHARLM, SEEDS } from './data/sizes.js';
import { buildCharModel, type CharParams } from './tapestry/char-model.js';
import { median } from './timing.js';

const steps = Number(process.argv[2] ?? 20);
const { batch, seqLen, vocab } = CHARLM;
const model = buildCharModel('lstm', 'float32');
const tokens = tensor(uniformInts(batch * seqLen, vocab, SEEDS.tokens), { shape: [batch, seqLen] });
const targets = tensor(uniformInts(batch * seqLen, vocab, SEEDS.targets), { shape: [batch, seqLen] });
const gradients = valueAndGrad((p: CharParams): Tensor => crossEntropy(model.logits(p, tokens), targets));
const opt = chain(clipByGlobalNorm(CHARLM.clipNorm), adam({ lr: CHARLM.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.epsilon }));
let params = model.params;
let state = opt.init(params);
const gradMs: number[] = [];
const optMs: number[] = [];
for (let k = 0; k < 3 + steps; k++) {
  const t0 = performance.now();
  const [, grads] = gradients(params);
  const t1 = performance.now();
  [params, state] = opt.step(grads, state, params);
  const t2 = performance.now();
  if (k >= 3) {
    gradMs.push(t1 - t0);
    optMs.push(t2 - t1);
  }
}
const g = median(gradMs);
const o = median(optMs);
console.log(`gradients ${g.toFixed(1)} ms, optimizer ${o.toFixed(2)} ms (median of ${steps}): optimizer share ${((100 * o) / (g + o)).toFixed(2)} %`);
