// Checkpoints: a whole training state round-trips bit for bit; the newest N are kept;
// a write that fails midway (a real file-size limit in a child process) leaves the
// previous checkpoint whole; and every kind of bad input is a LoadError or an error
// naming the file and the key, with nothing already saved lost.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoadError, Rng, Tensor, encodeSafetensors, fromStorage, tensor, type Either } from '../src/index.js';
import { listCheckpoints, loadCheckpoint, saveCheckpoint, type LoadedCheckpoint, type StateLeaf } from '../src/node/index.js';

const moduleUrl = new URL('../dist/node/index.js', import.meta.url).href;
let folder = '';

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'tapestry-checkpoint-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const params = (scale = 1): { lstm: { weight_ih_l0: Tensor; bias: Tensor }; head: Tensor[] } => ({
  lstm: { weight_ih_l0: tensor([[1 * scale, 2], [3, 4]]), bias: fromStorage([2], new Float64Array([0.1, -0])) },
  head: [tensor([5, 6, 7])],
});
/** An optimizer state as today's Adam has it, inside a chain: numbers, moments keyed by dotted paths, a flag. */
const optimizerState = (): unknown => [
  { clipped: false, lastNorm: Number.NaN },
  { count: 3, mu: { 'lstm.weight_ih_l0': tensor([[0.1, 0.2], [0.3, 0.4]]) }, nu: { 'lstm.weight_ih_l0': tensor([[1e-8, 2e-8], [0, 4e-8]]) }, nuMax: undefined, schedule: 'cosine', note: null, lr: -0 },
];

function right<P, O, X>(result: Either<LoadError, LoadedCheckpoint<P, O, X>>): LoadedCheckpoint<P, O, X> {
  if (result._tag === 'Left') throw result.left;
  return result.right;
}

function left<A>(result: Either<LoadError, A>): LoadError {
  if (result._tag === 'Right') throw new Error('expected a LoadError, the checkpoint loaded');
  expect(result.left).toBeInstanceOf(LoadError);
  return result.left;
}

const bits = (t: Tensor): number[] => [...new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)];

function save(step: number, p = params(), keep?: number): string {
  const rngs = { dropout: new Rng(step), shuffle: new Rng(100 + step) };
  return saveCheckpoint(folder, { params: p, optimizer: optimizerState(), rngs, step, data: { epoch: 1, batch: step }, config: { hidden: 2, lr: 0.01 } }, { keep });
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips a whole training state bit for bit', () => {
    const rng = new Rng(5);
    rng.nextNormal(); // a spare normal is pending
    const extra = { losses: [2.5, 1.25], carry: { h: tensor([[0.5, -1]]) } };
    const file = saveCheckpoint(folder, { params: params(), optimizer: optimizerState(), rngs: { dropout: rng }, step: 12, data: { batch: 3 }, config: { lr: 0.5 }, extra });
    expect(file).toBe(join(folder, 'checkpoint-000000012.safetensors'));
    const loaded = right(loadCheckpoint(folder, { params: params(9), optimizer: optimizerState(), extra: { losses: [0, 0], carry: { h: tensor([[0, 0]]) } } }));
    expect(loaded.file).toBe(file);
    expect(loaded.extra.losses).toEqual([2.5, 1.25]);
    expect(loaded.extra.carry.h.toArray()).toEqual([[0.5, -1]]);
    expect(loaded.step).toBe(12);
    expect(loaded.data).toEqual({ batch: 3 });
    expect(loaded.config).toEqual({ lr: 0.5 });
    expect(bits(loaded.params.lstm.weight_ih_l0)).toEqual(bits(params().lstm.weight_ih_l0));
    expect(Object.is(loaded.params.lstm.bias.data[1], -0)).toBe(true);
    expect(loaded.params.head[0].toFlatArray()).toEqual([5, 6, 7]);
    const [clip, adam] = loaded.optimizer as [Record<string, unknown>, Record<string, unknown>];
    expect(clip.clipped).toBe(false);
    expect(clip.lastNorm).toBeNaN();
    expect(adam.count).toBe(3);
    expect(adam.schedule).toBe('cosine');
    expect(adam.note).toBeNull();
    expect(Object.is(adam.lr, -0)).toBe(true);
    expect((adam.nu as Record<string, Tensor>)['lstm.weight_ih_l0'].toFlatArray()).toEqual(new Float32Array([1e-8, 2e-8, 0, 4e-8]).reduce<number[]>((a, x) => [...a, x], []));
    expect(loaded.rngs.dropout.nextNormal()).toBe(rng.nextNormal());
    expect(loaded.rngs.dropout.nextUint32()).toBe(rng.nextUint32());
  });

  it('keeps only the newest N and loads the newest from the folder', () => {
    for (let step = 1; step <= 5; step++) save(step, params(), 2);
    expect(readdirSync(folder).sort()).toEqual(['checkpoint-000000004.safetensors', 'checkpoint-000000005.safetensors']);
    expect(right(loadCheckpoint(folder, { params: params() })).step).toBe(5);
    expect(right(loadCheckpoint(join(folder, 'checkpoint-000000004.safetensors'), { params: params() })).step).toBe(4);
  });

  it('loads the parameters alone when no optimizer template is given', () => {
    save(1);
    const loaded = right(loadCheckpoint(folder, { params: params() }));
    expect(loaded.optimizer).toBeUndefined();
    expect(loaded.extra).toBeUndefined();
  });

  it('a write that fails midway leaves the previous checkpoint intact', () => {
    const first = save(1);
    const before = readFileSync(first);
    // Step 2 has 256 KiB of parameters against a 64 KiB file-size limit: the kernel refuses the write partway.
    const script = `import { saveCheckpoint } from ${JSON.stringify(moduleUrl)};
import { Rng } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
const big = new Rng(0).normal([256, 256]);
try { saveCheckpoint(${JSON.stringify(folder)}, { params: { big }, optimizer: {}, rngs: {}, step: 2 }, { keep: 1 }); }
catch (e) { process.stderr.write(e.message); process.exit(3); }`;
    let stderr = '';
    try {
      execFileSync('bash', ['-c', `ulimit -f 64; trap '' XFSZ; exec node --input-type=module -e "$0"`, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain(`could not write ${join(folder, 'checkpoint-000000002.safetensors')}`);
    expect(readdirSync(folder)).toEqual(['checkpoint-000000001.safetensors']);
    expect(readFileSync(first)).toEqual(before);
    expect(right(loadCheckpoint(folder, { params: params(), optimizer: optimizerState() })).step).toBe(1);
  });

  it('a truncated or corrupted file is a LoadError naming the file; the older checkpoint still loads', () => {
    save(1);
    const second = save(2);
    const bytes = readFileSync(second);
    writeFileSync(second, bytes.subarray(0, bytes.length - 10));
    expect(left(loadCheckpoint(folder, { params: params() })).message).toMatch(new RegExp(`^${second}: .*(run past the end|truncated)`));
    bytes[8] = 0x78; // the header's opening brace becomes 'x'
    writeFileSync(second, bytes);
    expect(left(loadCheckpoint(second, { params: params() })).message).toContain(`${second}: header is not valid JSON`);
    expect(right(loadCheckpoint(join(folder, 'checkpoint-000000001.safetensors'), { params: params() })).step).toBe(1);
  });

  it('a checkpoint of another model or optimizer names the key', () => {
    const file = save(1);
    const wider = { ...params(), lstm: { ...params().lstm, weight_ih_l0: tensor([[1, 2, 3], [4, 5, 6]]) } };
    expect(left(loadCheckpoint(folder, { params: wider })).message).toBe(
      `${file}: 'params.lstm.weight_ih_l0': has shape [2,2] in the checkpoint, the model has [2,3] (a checkpoint of another model or optimizer?)`,
    );
    const more = { ...params(), extra: tensor([1]) };
    expect(left(loadCheckpoint(folder, { params: more })).message).toBe(`${file}: 'params.extra': is missing from the checkpoint`);
    const fewer = { lstm: params().lstm };
    expect(left(loadCheckpoint(folder, { params: fewer })).message).toMatch(/'params\.head\.0': has no place in the model/);
    const sgd = [{ clipped: false, lastNorm: 0 }, { count: 0, momentum: {} }];
    expect(left(loadCheckpoint(folder, { params: params(), optimizer: sgd })).key).toMatch(/^optimizer\.1\./);
    const f64 = { ...params(), head: [fromStorage([3], new Float64Array(3))] };
    expect(left(loadCheckpoint(folder, { params: f64 })).message).toContain("'params.head.0': is float32 in the checkpoint, the model is float64");
  });

  it('impossible values fail the validation with file and key', () => {
    const file = saveCheckpoint(folder, {
      params: params(),
      optimizer: { count: -1, nu: { w: tensor([1, -2]) } },
      rngs: {},
      step: 4,
    });
    const adamInvariants = (key: string, leaf: StateLeaf): string | undefined => {
      if (key.endsWith('.count') && !(typeof leaf === 'number' && Number.isInteger(leaf) && leaf >= 0)) return `a step count must be a non-negative integer, got ${String(leaf)}`;
      if (/\.nu\./.test(key) && leaf instanceof Tensor && leaf.data.some((x) => !(x >= 0))) return 'second moments must be non-negative';
      return undefined;
    };
    const template = { params: params(), optimizer: { count: 0, nu: { w: tensor([0, 0]) } } };
    expect(left(loadCheckpoint(folder, template, { validate: adamInvariants })).message).toBe(`${file}: 'optimizer.count': a step count must be a non-negative integer, got -1`);
    saveCheckpoint(folder, { params: params(), optimizer: { count: 2, nu: { w: tensor([1, -2]) } }, rngs: {}, step: 5 });
    expect(left(loadCheckpoint(folder, template, { validate: adamInvariants })).key).toBe('optimizer.nu.w');
  });

  it('bad metadata (step, generator state, not a checkpoint) names the key', () => {
    const write = (name: string, metadata: Record<string, string>): string => {
      const path = join(folder, name);
      writeFileSync(path, encodeSafetensors({ 'params.w': tensor([1]) }, metadata));
      return path;
    };
    const good = { format: 'tapestry-checkpoint/1', step: '3', rngs: '{}', scalars: '{}', data: 'null', config: 'null' };
    const template = { params: { w: tensor([0]) } };
    expect(right(loadCheckpoint(write('ok.safetensors', good), template)).step).toBe(3);
    expect(left(loadCheckpoint(write('a.safetensors', { ...good, step: '-3' }), template)).key).toBe('step');
    expect(left(loadCheckpoint(write('b.safetensors', { ...good, rngs: '{"dropout": {"words": [0,0,0,0], "spareNormal": null}}' }), template)).key).toBe('rngs.dropout');
    expect(left(loadCheckpoint(write('c.safetensors', { ...good, config: '{oops' }), template)).key).toBe('config');
    expect(left(loadCheckpoint(write('d.safetensors', { format: 'pt' }), template)).message).toContain('is not a Tapestry checkpoint');
  });

  it('paths that are the wrong kind of thing get clear errors', () => {
    expect(left(loadCheckpoint(folder, { params: params() })).message).toBe(`${folder}: is a folder without checkpoints (no checkpoint-<step>.safetensors in it)`);
    expect(left(loadCheckpoint(join(folder, 'nothing'), { params: params() })).message).toBe(`${join(folder, 'nothing')}: does not exist`);
    const file = join(folder, 'a-file');
    writeFileSync(file, 'x');
    expect(() => save(1, params(), undefined)).not.toThrow();
    expect(() => saveCheckpoint(file, { params: params(), optimizer: {}, rngs: {}, step: 1 })).toThrow(`saveCheckpoint: ${file} is a file, not a folder`);
    expect(() => saveCheckpoint(folder, { params: { f: (() => 1) as unknown as Tensor }, optimizer: {}, rngs: {}, step: 1 })).toThrow("'params.f': cannot store a function");
    expect(() => saveCheckpoint(folder, { params: params(), optimizer: {}, rngs: {}, step: -1 })).toThrow('step must be a non-negative integer');
  });

  it('without write permission the save fails naming the path and the old checkpoint stays', () => {
    const first = save(1);
    chmodSync(folder, 0o555);
    try {
      // Root ignores permissions, so the save runs as an unprivileged user when the tests run as root.
      const script = `import { saveCheckpoint } from ${JSON.stringify(moduleUrl)};
try { saveCheckpoint(${JSON.stringify(folder)}, { params: {}, optimizer: {}, rngs: {}, step: 2 }); } catch (e) { process.stderr.write(e.message); process.exit(3); }`;
      const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'node'] : ['node'];
      let stderr = '';
      try {
        execFileSync(asUser[0], [...asUser.slice(1), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        stderr = String((e as { stderr: Buffer }).stderr);
      }
      expect(stderr).toMatch(new RegExp(`could not write ${join(folder, 'checkpoint-000000002.safetensors')}: .*(EACCES|permission denied)`));
    } finally {
      chmodSync(folder, 0o700);
    }
    expect(listCheckpoints(folder).map((c) => c.path)).toEqual([first]);
  });
});
