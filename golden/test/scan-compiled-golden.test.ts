import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { add, mul, sum, valueAndGrad, type Tensor } from '@tapestry/core';
import { either as E } from 'fp-ts';
import { GRU, LSTM, RNN } from '@tapestry/layers';
import { decodeRecord, decodeTensor } from '../src/layers/decode.js';
import { expectAgree, withScanCompile } from '../../packages/layers/test/scan-compiled-helpers.js';

// Compiled and op-by-op scans on every golden recurrent fixture (the PyTorch cases with
// lengths, both directions, stacked layers): outputs, loss and every gradient agree to
// 1e-12 in float64. They are the same ops in a different order of summation (a weight's
// per-step gradient terms), so any larger gap is a bug, not rounding.

const dir = new URL('../fixtures/', import.meta.url);
interface Fixture {
  case: string;
  kind: string;
  module: string;
  config: { input_size: number; hidden_size: number; num_layers?: number; nonlinearity?: 'tanh' | 'relu'; bidirectional?: boolean };
  params: unknown;
  inputs: Record<string, unknown>;
  loss_weights: unknown;
}
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture)
  .filter((f) => f.kind === 'recurrent');

function decoded(where: string, x: unknown): Record<string, Tensor> {
  const r = decodeRecord(where, x, 'float64');
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
}

function evaluate(f: Fixture): Record<string, Tensor> {
  const { lengths: encoded, ...inputs } = f.inputs;
  const lengthsResult = encoded === undefined ? undefined : decodeTensor('lengths', encoded, 'int32');
  if (lengthsResult !== undefined && E.isLeft(lengthsResult)) throw new Error(lengthsResult.left);
  const lengths = lengthsResult?.right;
  const options = { inputSize: f.config.input_size, hiddenSize: f.config.hidden_size, numLayers: f.config.num_layers, bidirectional: f.config.bidirectional };
  const model = f.module === 'LSTM' ? LSTM(options) : f.module === 'GRU' ? GRU(options) : RNN({ ...options, nonlinearity: f.config.nonlinearity });
  const weights = decoded('loss_weights', f.loss_weights);
  let outputs: Record<string, Tensor | undefined> = {};
  const [loss, grads] = valueAndGrad((v: Record<string, Tensor>) => {
    const { input, h0, c0, ...params } = v;
    const out = model.apply(params, input, { h0, c0, lengths });
    outputs = { output: out.output, h_n: out.h_n, c_n: out.c_n };
    let total: Tensor | undefined;
    for (const [name, w] of Object.entries(weights)) {
      const term = sum(mul(outputs[name] as Tensor, w));
      total = total === undefined ? term : add(total, term);
    }
    return total as Tensor;
  })({ ...decoded('inputs', inputs), ...decoded('params', f.params) });
  const all: Record<string, Tensor> = { loss };
  for (const [k, t] of Object.entries(outputs)) if (t !== undefined) all[`outputs.${k}`] = t;
  for (const [k, t] of Object.entries(grads)) all[`grads.${k}`] = t;
  return all;
}

describe('compiled scan on the golden recurrent fixtures', () => {
  afterEach(() => vi.restoreAllMocks());
  for (const f of fixtures) {
    it(`${f.case}: compiled equals op by op to 1e-12`, () => {
      const explain = vi.spyOn(console, 'info').mockImplementation(() => {});
      const compiled = withScanCompile(true, () => evaluate(f), true);
      const paths = explain.mock.calls.map((c) => String(c[0]));
      expect(paths.length).toBeGreaterThan(0);
      expect(paths.every((p) => p.includes(': compiled'))).toBe(true);
      const interpreted = withScanCompile(false, () => evaluate(f));
      expect(Object.keys(compiled).sort()).toEqual(Object.keys(interpreted).sort());
      for (const k of Object.keys(compiled)) expectAgree(k, compiled[k], interpreted[k]);
    });
  }
});
