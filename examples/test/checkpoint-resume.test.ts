// Resume is bit-identical: N steps straight and k steps + save + load + N − k steps give
// the same bytes — parameters, optimizer state and every loss — in float32 and float64,
// on the JS, wasm and native backends, for a model with dropout between its LSTM layers trained
// on batches shuffled afresh every epoch, resumed in the middle of an epoch. Everything
// is rebuilt from scratch for the resumed half (new generators, new optimizer), as a new
// process would, so only what the checkpoint holds can carry the run across.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, jsBackend, setBackend, stack, unstack, wasmBackend, wasmSimdSupported, type DType, type Tensor, flatten } from '@tapestry/core';
import { encodeSafetensors, fromStorage } from '@tapestry/core';
import { listCheckpoints, loadSafetensors } from '@tapestry/core/node';
import { writeFileSync } from 'node:fs';
import { LSTM, linear, mseLoss } from '@tapestry/layers';
import { nativeBackend, nativeStatus } from '@tapestry/native';
import { adam, chain, clipByGlobalNorm } from '@tapestry/optim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentProgress } from '../src/cli/progress.js';
import type { CheckpointPlan } from '../src/train/checkpoint.js';
import { train, type TrainResult } from '../src/train/loop.js';

const STEPS = 7;
const STOP_AT = 4; // 3 batches per epoch: step 4 is in the middle of the second epoch
let folder = '';

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'tapestry-resume-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
  setBackend(jsBackend);
});

interface Outcome {
  result: TrainResult<unknown>;
  optimizerState: unknown;
}

/** One training run, built from nothing but the seed; stops after `stopAfter` steps if given. */
async function run(dtype: DType, plan: CheckpointPlan, stopAfter = Infinity): Promise<Outcome> {
  const lstm = LSTM({ inputSize: 3, hiddenSize: 6, numLayers: 2, dropout: 0.3 });
  const [initRng, dataRng] = new Rng(11).split(2);
  const params = { lstm: lstm.init(initRng, dtype), head: linear.init(initRng, 6, 1, { dtype }) };
  const xs = unstack(dataRng.normal([12, 5, 3], { dtype }), 0);
  const ys = unstack(dataRng.normal([12, 1], { dtype }), 0);
  const dropoutRng = new Rng(21);
  const shuffleRng = new Rng(31);
  let order = Array.from({ length: 12 }, (_, i) => i); // the carry keeps one structure: a checkpoint restores into it
  let optimizerState: unknown;
  const result = await train({
    label: `resume ${dtype}`,
    params,
    optimizer: chain(clipByGlobalNorm(1), adam({ lr: 0.05 })),
    steps: STEPS,
    loss: (p: typeof params, step: number) => {
      const k = step % 3;
      if (k === 0) order = shuffleRng.permutation(12); // a fresh shuffle each epoch
      const rows = order.slice(4 * k, 4 * k + 4);
      const out = lstm.apply(p.lstm, stack(rows.map((i) => xs[i]), 0), { train: true, rng: dropoutRng });
      const last = unstack(out.output, 1)[4];
      return [mseLoss(linear.apply(p.head, last), stack(rows.map((i) => ys[i]), 0)), null] as const;
    },
    progress: silentProgress(stopAfter, plan),
    after: (_step, _loss, _params, _aux, state) => void (optimizerState = state),
    resumable: { rngs: { dropout: dropoutRng, shuffle: shuffleRng }, carry: { get: () => order, set: (saved) => void (order = saved as number[]) } },
  });
  return { result, optimizerState };
}

const plan = (p: Partial<CheckpointPlan>): CheckpointPlan => ({ every: 0, config: { test: true }, provenance: [], ...p });

function bytes(tree: unknown): string[] {
  return flatten(tree).map(({ path, leaf }: { path: string; leaf: Tensor }) => `${path}:${Buffer.from(leaf.data.buffer, leaf.data.byteOffset, leaf.data.byteLength).toString('hex')}`);
}

// Native joins when its addon loaded; where it cannot build, @tapestry/native's own tests fail loudly.
const backends = [
  ['js', jsBackend],
  ...(wasmSimdSupported() ? [['wasm', wasmBackend] as const] : []),
  ...(nativeStatus().available ? [['native', nativeBackend] as const] : []),
] as const;

describe('resuming a training run', () => {
  it('runs on every backend this engine has', () => {
    expect(backends.map(([name]) => name)).toEqual(['js', 'wasm', ...(nativeStatus().available ? ['native'] : [])]);
  });

  for (const [name, backend] of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${STOP_AT} steps + save + load + ${STEPS - STOP_AT} steps = ${STEPS} steps straight, bit for bit (${name}, ${dtype})`, async () => {
        setBackend(backend);
        const straight = await run(dtype, plan({}));
        const first = await run(dtype, plan({ save: folder }), STOP_AT);
        expect(first.result.steps).toBe(STOP_AT);
        const resumedPlan = plan({ resume: folder, save: join(folder, 'after') });
        const resumed = await run(dtype, resumedPlan);
        expect(resumedPlan.provenance[0]).toMatch(/resumed from .*checkpoint-000000004\.safetensors \(step 4\)/);
        expect(resumed.result.steps).toBe(STEPS);
        expect(resumed.result.losses).toEqual(straight.result.losses);
        expect(bytes(resumed.result.params)).toEqual(bytes(straight.result.params));
        expect(bytes(resumed.optimizerState)).toEqual(bytes(straight.optimizerState));
        // The dropout really acts: a run that drew other masks ends elsewhere.
        expect(straight.result.losses[STEPS - 1]).not.toBe(first.result.losses[STOP_AT - 1]);
      });
    }
  }

  it('the saved file records the run config and the loss history', async () => {
    await run('float32', plan({ save: folder }), 2);
    const file = loadSafetensors(join(folder, 'resume-float32', 'checkpoint-000000002.safetensors'));
    if (file._tag === 'Left') throw file.left;
    expect(JSON.parse(file.right.metadata.config)).toEqual({ test: true });
    expect((JSON.parse(file.right.metadata.data) as { losses: number[] }).losses).toHaveLength(2);
  });

  it('refuses a checkpoint of another optimizer, naming the file and key', async () => {
    await run('float32', plan({ save: folder }), 2);
    const lstm = LSTM({ inputSize: 3, hiddenSize: 6 });
    const params = { lstm: lstm.init(new Rng(0)), head: linear.init(new Rng(0), 6, 1) };
    await expect(
      train({
        label: 'resume float32',
        params,
        optimizer: adam({ lr: 0.1 }),
        steps: 3,
        loss: () => [mseLoss(linear.apply(params.head, new Rng(0).normal([1, 6])), new Rng(0).normal([1, 1])), null] as const,
        progress: silentProgress(Infinity, plan({ resume: folder })),
      }),
    ).rejects.toThrow(/cannot resume resume float32: .*checkpoint-000000002\.safetensors: '(params|optimizer)\.[^']+': /);
  });

  it('refuses impossible optimizer values (a negative second moment), naming the file and key', async () => {
    await run('float64', plan({ save: folder }), 2);
    const [{ path }] = listCheckpoints(join(folder, 'resume-float64'));
    const file = loadSafetensors(path);
    if (file._tag === 'Left') throw file.left;
    const tensors = { ...file.right.tensors };
    const key = Object.keys(tensors).find((k) => /^optimizer\..*\.nu\./.test(k)) ?? '';
    const nu = Float64Array.from(tensors[key].data);
    nu[0] = -1e-3;
    tensors[key] = fromStorage(tensors[key].shape, nu);
    writeFileSync(path, encodeSafetensors(tensors, file.right.metadata));
    await expect(run('float64', plan({ resume: folder }))).rejects.toThrow(`${path}: loadState: '${key.slice('optimizer.'.length)}' holds a negative second moment -0.001 at element 0`);
  });
});
