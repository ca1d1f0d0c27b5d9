/**
 * Writing your own cell: the minimal gated unit (MGU; Zhou et al. 2016), a GRU with a
 * single gate. A cell is a plain value with four functions — `init`, `initCarry`, an
 * optional time-parallel `project`, and `step` — and that is all `scan`, `stackLayers`,
 * `bidirectional`, padding and the gradient checker need. We check its gradients in
 * one line, then train it on the adding problem next to the built-in LSTM.
 *
 *   f  = σ(W_f x + U_f h + b_f)            the one gate
 *   h̃  = tanh(W_h x + U_h (f ⊙ h) + b_h)   the candidate state
 *   h' = h + f ⊙ (h̃ − h)                  move towards the candidate by f
 */
import { Rng, add, matmul, mul, noGrad, reshape, sigmoid, sliceAxis, sub, tanh, zeros, leaves, type Tensor } from '@tapestry/core';
import { hiddenState, linear, lstmCell, mseLoss, scan, type Cell, type LinearParams } from '@tapestry/layers';
import { expectCellGradients } from '@tapestry/layers/testing';
import { adam, chain, clipByGlobalNorm } from '@tapestry/optim';
import { addingProblem } from '@tapestry/data';
import type { Progress } from '../cli/progress.js';
import { train } from '../train/loop.js';

/** Parameters of the MGU: input weights of both parts stacked, and two recurrent matrices. */
export interface MguParams {
  /** [2H, F]: rows 0..H−1 feed the gate, rows H..2H−1 the candidate. */
  readonly weight_ih: Tensor;
  /** [H, H] */
  readonly weight_hf: Tensor;
  /** [H, H] */
  readonly weight_hh: Tensor;
  /** [2H] */
  readonly bias: Tensor;
}

/** The minimal gated unit as a {@link Cell}: carry and output are the hidden state h [B, H]. */
export function mguCell({ hiddenSize: H }: { hiddenSize: number }): Cell<MguParams, Tensor> {
  return {
    name: 'mgu',
    outputSize: H,
    init: (rng, inputSize, dtype = 'float32') => {
      const k = 1 / Math.sqrt(H);
      const u = (shape: number[]): Tensor => rng.uniform(shape, { low: -k, high: k, dtype });
      return { weight_ih: u([2 * H, inputSize]), weight_hf: u([H, H]), weight_hh: u([H, H]), bias: u([2 * H]) };
    },
    initCarry: (batch, dtype = 'float32') => zeros([batch, H], dtype),
    // Everything that does not depend on h, for all T steps in one matrix product.
    project: (p, xs) => {
      const [B, T, F] = xs.shape;
      return reshape(add(matmul(reshape(xs, [B * T, F]), p.weight_ih, { transB: true }), p.bias), [B, T, 2 * H]);
    },
    step: (p, h, x) => {
      const f = sigmoid(add(sliceAxis(x, 1, 0, H), matmul(h, p.weight_hf, { transB: true })));
      const candidate = tanh(add(sliceAxis(x, 1, H, 2 * H), matmul(mul(f, h), p.weight_hh, { transB: true })));
      const next = add(h, mul(f, sub(candidate, h)));
      return [next, next];
    },
  };
}

/** Settings of the comparison. */
export interface CustomCellConfig {
  readonly hidden: number;
  readonly length: number;
  readonly batch: number;
  readonly steps: number;
  readonly lr: number;
  /** Random cases of the gradient check. */
  readonly checkRuns: number;
  readonly seed: number;
}

/** The defaults. */
export const customCellDefaults: CustomCellConfig = { hidden: 32, length: 30, batch: 32, steps: 200, lr: 1e-2, checkRuns: 6, seed: 0 };

/** One cell's outcome on the adding problem. */
export interface CustomCellRun {
  readonly cell: string;
  readonly parameters: number;
  readonly losses: readonly number[];
  /** Mean training loss of the last 10 steps. */
  readonly finalLoss: number;
  readonly testMse: number;
  readonly accuracy: number;
  readonly msPerStep: number;
}

/** The example's outcome. */
export interface CustomCellResult {
  readonly config: CustomCellConfig;
  readonly cellName: string;
  readonly gradientCheck: { readonly ok: boolean; readonly runs: number; readonly message: string };
  readonly runs: readonly CustomCellRun[];
}

/** The one-line gradient check, reported instead of thrown. */
function checkGradients(runs: number, seed: number): CustomCellResult['gradientCheck'] {
  try {
    expectCellGradients(mguCell({ hiddenSize: 3 }), { numRuns: runs, seed });
    return { ok: true, runs, message: '' };
  } catch (e) {
    return { ok: false, runs, message: (e as Error).message.split('\n')[0] };
  }
}

/** Trains `cell` with a dense head on the adding problem and tests it on fresh sequences. */
async function trainOnAdding(name: string, cell: Cell<unknown, unknown>, c: CustomCellConfig, progress: Progress): Promise<CustomCellRun> {
  const rng = new Rng(c.seed);
  const init = { cell: cell.init(rng, 2), head: linear.init(rng, c.hidden, 1) };
  const predict = (p: { cell: unknown; head: LinearParams }, xs: Tensor): Tensor => linear.apply(p.head, hiddenState(scan(cell, p.cell, xs).carry));
  const dataRng = new Rng(c.seed + 1);
  const run = await train({
    label: `adding ${name} T=${c.length}`,
    params: init,
    optimizer: chain(clipByGlobalNorm(1), adam({ lr: c.lr })),
    steps: c.steps,
    loss: (p: typeof init) => {
      const batch = addingProblem(dataRng, { samples: c.batch, length: c.length });
      return [mseLoss(predict(p, batch.inputs), batch.targets), null] as const;
    },
    progress,
    resumable: { rngs: { data: dataRng } },
  });
  const test = addingProblem(new Rng(c.seed + 2), { samples: 256, length: c.length });
  const prediction = noGrad(() => predict(run.params, test.inputs));
  let hits = 0;
  for (let i = 0; i < test.targets.size; i++) if (Math.abs(prediction.data[i] - test.targets.data[i]) < 0.04) hits++;
  const tail = run.losses.slice(-10);
  return {
    cell: name,
    parameters: leaves(init.cell).reduce((n, t) => n + t.size, 0),
    losses: run.losses,
    finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(tail.length, 1),
    testMse: noGrad(() => mseLoss(prediction, test.targets).item()),
    accuracy: hits / test.targets.size,
    msPerStep: run.medianStepMs,
  };
}

/** Checks the MGU's gradients, then trains it and an LSTM of the same width. */
export async function run(config: CustomCellConfig, progress: Progress): Promise<CustomCellResult> {
  const gradientCheck = checkGradients(config.checkRuns, config.seed);
  progress.log(`gradient check of mgu: ${gradientCheck.ok ? 'ok' : gradientCheck.message}`);
  const cells: [string, Cell<unknown, unknown>][] = [
    ['mgu', mguCell({ hiddenSize: config.hidden }) as Cell<unknown, unknown>],
    ['lstm', lstmCell({ hiddenSize: config.hidden }) as Cell<unknown, unknown>],
  ];
  const runs: CustomCellRun[] = [];
  for (const [name, cell] of cells) {
    if (progress.shouldStop()) break;
    runs.push(await trainOnAdding(name, cell, config, progress));
  }
  return { config, cellName: 'mgu (minimal gated unit)', gradientCheck, runs };
}
