import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runLossCase } from '../src/layers/index.js';

// The one copy of the golden fixtures lives at the repository root (golden/fixtures).
const dir = new URL('../fixtures/', import.meta.url);
const load = (file: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, unknown>;
const files = readdirSync(dir).filter((f) => /^loss_.*\.json$/.test(f)).sort();

describe('golden loss fixtures', () => {
  it('are all present', () => {
    expect(files).toEqual(['loss_cross_entropy.json', 'loss_cross_entropy_ignore_index.json', 'loss_cross_entropy_large_logits.json', 'loss_mse.json']);
  });

  it.each(files)('%s matches to 1e-9 relative (absolute floor 1e-12)', (file) => {
    const verdict = runLossCase(load(file));
    expect(verdict.name).toBe(file.replace(/\.json$/, ''));
    expect(verdict.ok, verdict.detail).toBe(true);
  });
});

describe('runLossCase', () => {
  it('fails when the expected loss is off by more than the tolerance', () => {
    const fixture = load('loss_cross_entropy.json');
    const loss = fixture.loss as { value: number };
    const shifted = loss.value * (1 + 1e-8);
    const verdict = runLossCase({ ...fixture, loss: { ...loss, value: shifted }, outputs: { loss: shifted } });
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatch(/^loss: /);
  });

  it('fails when one gradient element is off', () => {
    const fixture = load('loss_mse.json');
    const grads = fixture.grads as { input: { shape: number[]; data: number[] }; target: unknown };
    const data = grads.input.data.slice();
    data[5] += 1e-6;
    const verdict = runLossCase({ ...fixture, grads: { ...grads, input: { ...grads.input, data } } });
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatch(/grads\.input: worst \|Δ\| 1\.0e-6 at 5/);
  });

  it('passes within the absolute floor near zero', () => {
    const fixture = load('loss_cross_entropy_ignore_index.json');
    const grads = fixture.grads as { logits: { shape: number[]; data: number[] } };
    const data = grads.logits.data.map((v) => (v === 0 ? 5e-13 : v));
    expect(runLossCase({ ...fixture, grads: { logits: { ...grads.logits, data } } }).ok).toBe(true);
  });

  it('reports malformed fixtures instead of throwing', () => {
    expect(runLossCase(null)).toEqual({ name: '?', ok: false, detail: 'malformed fixture: the fixture is not a JSON object' });
    const fixture = load('loss_cross_entropy.json');
    expect(runLossCase({ ...fixture, kind: 'optimizer' }).detail).toMatch(/kind is "optimizer"/);
    expect(runLossCase({ ...fixture, inputs: { logits: (fixture.inputs as { logits: unknown }).logits } }).detail).toMatch(/inputs lacks targets/);
    expect(runLossCase({ ...fixture, config: { weight: [1, 2, 3, 4, 5] } }).detail).toMatch(/config.weight \(class weights\) is not supported/);
  });

  it('reports a loss error (a target out of range) as a failed verdict', () => {
    const fixture = load('loss_cross_entropy.json');
    const inputs = fixture.inputs as { logits: unknown; targets: { shape: number[]; data: number[] } };
    const verdict = runLossCase({ ...fixture, inputs: { ...inputs, targets: { shape: [4], data: [0, 1, 9, 2] } } });
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatch(/ValueError: crossEntropy: targets\[2\] = 9 is out of range \[0, 5\)/);
  });
});
