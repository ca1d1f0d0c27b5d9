import { Rng, add, mean, mul, record, sqrt, sum, tensor, unstack, valueAndGrad, zeros, type Tensor } from '@tapestry/core';
import { hiddenState, linear, lstmCell, rnnCell, scan, type Cell, type LinearParams, type LstmCarry } from '@tapestry/layers';
import { normals } from '../data/random.js';
import { LONGSEQ, SEEDS } from '../data/sizes.js';
import { longseqPlan } from '../plans.js';
import { median, timeIterations } from '../timing.js';
import type { WorkloadRun } from '../types.js';
import { expectClose, tapestryResult } from './result.js';

/**
 * W3 `longseq`: one forward and backward pass through 512 steps that also yields
 * ‖∂L/∂h_t‖ for every t. The per-step norms come from the same backward sweep as the
 * weight gradients: `scan` keeps every step's state, and the recording differentiates
 * the loss with respect to the weights and all 512 states at once.
 */

type Carry = Tensor | LstmCarry;

interface Net {
  cell: Cell<unknown, Carry>;
  params: { cell: unknown; head: LinearParams };
}

function build(variant: string): Net {
  const { input, hidden } = LONGSEQ;
  const cell = (variant === 'lstm' ? lstmCell({ hiddenSize: hidden }) : variant === 'rnn' ? rnnCell({ hiddenSize: hidden }) : undefined) as Cell<unknown, Carry> | undefined;
  if (cell === undefined) throw new Error(`W3: unknown variant ${variant}`);
  const [r1, r2] = new Rng(SEEDS.init).split(2);
  return { cell, params: { cell: cell.init(r1, input), head: linear.init(r2, hidden, 1) } };
}

/** ‖g‖₂ over batch and hidden for each step. */
function norms(grads: readonly Tensor[]): number[] {
  return grads.map((g) => sqrt(sum(mul(g, g))).item());
}

/** The timed iteration: loss, weight gradients and all per-step state gradients in one sweep. */
function iteration(net: Net, xs: Tensor): { loss: number; gradNorms: number[] } {
  const rec = record(() => {
    const { carry, states } = scan(net.cell, net.params.cell, xs, { keepStates: true });
    return { states, loss: mean(linear.apply(net.params.head, hiddenState(carry))) };
  });
  const { loss, states } = rec.value;
  const [, perStep] = rec.gradient(loss, [net.params, states.map(hiddenState)] as const);
  // One sweep, as PyTorch's default backward frees its graph: the scan's per-step
  // buffers go to the next iteration instead of being allocated afresh.
  rec.discard();
  return { loss: loss.item(), gradNorms: norms(perStep) };
}

/**
 * The same norms by another route: unroll the cell step by step, add a zero "probe" to
 * each hidden state, and take `valueAndGrad` with respect to the probes.
 */
function probedNorms(net: Net, xs: Tensor): number[] {
  const { batch, seqLen, hidden } = LONGSEQ;
  const probes = Array.from({ length: seqLen }, () => zeros([batch, hidden]));
  const loss = (ps: Tensor[]): Tensor => {
    const cell = net.cell;
    const steps = unstack(cell.project ? cell.project(net.params.cell, xs) : xs, 1);
    let carry: Carry = cell.initCarry(batch);
    steps.forEach((x, t) => {
      const [next] = cell.step(net.params.cell, carry, x);
      carry = 'h' in next ? { h: add(next.h, ps[t]), c: next.c } : add(next, ps[t]);
    });
    return mean(linear.apply(net.params.head, hiddenState(carry)));
  };
  return norms(valueAndGrad(loss)(probes)[1]);
}

export const run: WorkloadRun = async (variant, opts) => {
  const { batch, seqLen, input } = LONGSEQ;
  const net = build(variant);
  const xs = tensor(normals(batch * seqLen * input, SEEDS.inputs), { shape: [batch, seqLen, input] });
  let last = { loss: NaN, gradNorms: [] as number[] };
  const timing = await timeIterations(() => void (last = iteration(net, xs)), longseqPlan(opts.quick), opts.budgetSeconds);
  const reference = probedNorms(net, xs);
  // Both routes compute the same float32 sums in a different order. Each step back adds
  // the rounding of a hidden-wide float32 dot product (≤ hidden · 2⁻²⁴ ≈ 8e-6 relative at
  // hidden 128), so ∂L/∂h_t may drift by that much per step from the end; 1e-4 plus that
  // drift at every step (checked at the first, middle and last) still rules out skipped work.
  const tolerance = (t: number): number => 1e-4 + (seqLen - 1 - t) * LONGSEQ.hidden * 2 ** -24;
  const checks = [0, seqLen >> 1, seqLen - 1].map((t) => expectClose(`‖∂L/∂h_${t}‖ vs step-by-step valueAndGrad`, last.gradNorms[t], reference[t], tolerance(t)));
  for (let t = 0; t < seqLen; t++) expectClose(`‖∂L/∂h_${t}‖`, last.gradNorms[t], reference[t], tolerance(t));
  return tapestryResult(
    { figure: median(timing.samplesMs), unit: 'ms/iter', higherIsBetter: false, finalLoss: last.loss, series: { gradNorms: last.gradNorms } },
    timing,
    checks[checks.length - 1].replace(/_\d+‖/, '_t‖ (all 512 steps)'),
  );
};
