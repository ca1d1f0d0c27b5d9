// PyTorch → Tapestry: the committed files in interop/fixtures were written by
// interop/pytorch_interop.py from torch.nn models (state_dict() plus the input and the
// outputs torch computed). Each loads strictly — as the LSTM/GRU/RNN module and as the
// stackLayers tree of cells, which must therefore name the network identically — and
// reproduces torch's outputs. Tolerances: an element passes if |ours − torch| ≤ tol ×
// (1 + |torch|), tol = 1e-12 in float64 (a few dozen roundings of ~1e-16 each over six
// steps and two layers) and 1e-5 in float32 (the same at ~6e-8 each, and the two
// libraries sum the products in different orders).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors, type Tensor } from '@tapestry/core';
import { StateDictError, fromStateDict, toStateDict } from '@tapestry/layers';
import { describe, expect, it } from 'vitest';
import { asModule, asStack, type InteropConfig, type InteropModel } from '../src/interop-models.js';

const folder = fileURLToPath(new URL('../interop/fixtures/', import.meta.url));
const files = readdirSync(folder).filter((f) => f.endsWith('.safetensors')).sort();

function load(file: string): { config: InteropConfig; params: Record<string, Tensor>; io: Record<string, Tensor> } {
  const decoded = decodeSafetensors(readFileSync(folder + file), file);
  if (decoded._tag === 'Left') throw decoded.left;
  const entries = Object.entries(decoded.right.tensors);
  return {
    config: JSON.parse(decoded.right.metadata.config) as InteropConfig,
    params: Object.fromEntries(entries.filter(([k]) => !k.startsWith('io.'))),
    io: Object.fromEntries(entries.filter(([k]) => k.startsWith('io.'))),
  };
}

/** The largest |ours − torch| / (1 + |torch|) over all elements. */
function worstError(ours: Tensor, torch: Tensor): number {
  expect(ours.shape).toEqual(torch.shape);
  let worst = 0;
  for (let i = 0; i < torch.size; i++) worst = Math.max(worst, Math.abs(ours.data[i] - torch.data[i]) / (1 + Math.abs(torch.data[i])));
  return worst;
}

function check(file: string, build: (c: InteropConfig, d: 'float32' | 'float64') => InteropModel, outputs: 'all' | 'output'): void {
  const { config, params, io } = load(file);
  const dtype = Object.values(params)[0].dtype as 'float32' | 'float64';
  const model = build(config, dtype);
  const loaded = fromStateDict(params, model.template, file);
  if (loaded._tag === 'Left') throw loaded.left;
  const ours = model.run(loaded.right, io);
  const keys = Object.keys(ours).filter((k) => outputs === 'all' || k === 'io.output' || k === 'io.logits');
  expect(keys.length).toBeGreaterThan(0);
  const tol = dtype === 'float64' ? 1e-12 : 1e-5;
  for (const key of keys) expect(worstError(ours[key], io[key]), `${file} ${key}`).toBeLessThanOrEqual(tol);
}

describe('PyTorch models load into Tapestry and agree', () => {
  it('covers every model in both precisions', () => {
    expect(files).toHaveLength(14);
  });
  for (const file of files) {
    it(`${file} as the PyTorch-layout module`, () => check(file, asModule, 'all'));
    it(`${file} as a stackLayers tree of cells`, () => check(file, asStack, 'output'));
  }

  it('the module and the stack name the same network identically', () => {
    for (const file of files) {
      const { config } = load(file);
      const names = (m: InteropModel): string[] => Object.keys(toStateDict(m.template)).sort();
      expect(names(asStack(config, 'float64')), file).toEqual(names(asModule(config, 'float64')));
    }
  });

  it('a state dict of another network reports every mismatch at once', () => {
    const { params } = load('lstm_l2_bi_f64.safetensors');
    const other = asModule({ kind: 'lstm', input: 4, hidden: 6, layers: 3, bidirectional: false }, 'float64');
    const result = fromStateDict(params, other.template, 'lstm_l2_bi_f64.safetensors');
    if (result._tag === 'Right') throw new Error('a mismatched state dict loaded');
    const error = result.left;
    expect(error).toBeInstanceOf(StateDictError);
    expect(error.mismatch.missing).toEqual(['weight_ih_l2', 'weight_hh_l2', 'bias_ih_l2', 'bias_hh_l2']);
    expect(error.mismatch.unexpected).toHaveLength(8); // the eight *_reverse tensors
    expect(error.mismatch.unexpected.every((n) => n.endsWith('_reverse'))).toBe(true);
    // Hidden 5 vs 6: every remaining tensor of layers 0 and 1 has the wrong shape.
    expect(error.mismatch.wrongShape.map((c) => c.name)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1']);
    expect(error.mismatch.wrongShape[0]).toEqual({ name: 'weight_ih_l0', expected: '[24,4]', got: '[20,4]' });
    expect(error.message).toMatch(/^lstm_l2_bi_f64\.safetensors does not fit the model: missing: 'weight_ih_l2'/);
  });
});
