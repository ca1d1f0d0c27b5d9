import { either as E } from 'fp-ts';
import type { Tensor } from '@tapestry/core';
import { ValueError, valueAndGrad } from '@tapestry/core';
import type { LossFixture } from './loss-fixture.js';
import { decodeLossFixture } from './loss-fixture.js';
import type { Comparison } from './compare.js';
import { compareNumber, compareTensor, summarize, type CaseResult } from './compare.js';
import { crossEntropy, mseLoss, type Reduction } from '@tapestry/layers';

/** The verdict of {@link runLossCase}. */
export type LossCaseResult = CaseResult;

function reductionOf(config: LossFixture['config']): Reduction {
  const r = config.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum') throw new ValueError(`config.reduction ${JSON.stringify(r)} is not supported (a golden loss is a scalar)`);
  return r;
}

function numberOr(config: LossFixture['config'], key: string, fallback: number): number {
  const v = config[key] ?? fallback;
  if (typeof v !== 'number') throw new ValueError(`config.${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function runCrossEntropy(f: LossFixture): [Tensor, Record<string, Tensor>] {
  const { config, inputs } = f;
  if (config.weight !== undefined && config.weight !== null) throw new ValueError('config.weight (class weights) is not supported');
  const options = {
    reduction: reductionOf(config),
    ignoreIndex: numberOr(config, 'ignore_index', -100),
    labelSmoothing: numberOr(config, 'label_smoothing', 0),
  };
  const [value, grad] = valueAndGrad((logits: Tensor) => crossEntropy(logits, inputs.targets, options))(inputs.logits);
  return [value, { logits: grad }];
}

function runMse(f: LossFixture): [Tensor, Record<string, Tensor>] {
  const options = { reduction: reductionOf(f.config) };
  const [value, [input, target]] = valueAndGrad((i: Tensor, t: Tensor) => mseLoss(i, t, options), { argnums: [0, 1] as const })(
    f.inputs.input,
    f.inputs.target,
  );
  return [value, { input, target }];
}

function check(f: LossFixture): Comparison[] {
  const [value, grads] = f.module === 'cross_entropy' ? runCrossEntropy(f) : runMse(f);
  const comparisons = [compareNumber('loss', value.item(), f.loss)];
  for (const [key, expected] of Object.entries(f.grads)) comparisons.push(compareTensor(`grads.${key}`, grads[key], expected));
  return comparisons;
}

function caseName(fixture: unknown): string {
  const name = typeof fixture === 'object' && fixture !== null ? (fixture as { case?: unknown }).case : undefined;
  return typeof name === 'string' ? name : '?';
}

/**
 * Runs one golden loss fixture (already parsed from JSON): decodes it, computes the loss
 * and its gradients in float64 with Tapestry, and compares both with the stored values
 * to `1e-9` relative with an absolute floor of `1e-12`. Never throws: a malformed
 * fixture or a failing computation is a verdict with `ok: false`.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { runLossCase } from './layers/index.js';
 * const verdict = runLossCase(JSON.parse(readFileSync('golden/fixtures/loss_mse.json', 'utf8')));
 * console.log(`${verdict.ok ? 'PASS' : 'FAIL'} ${verdict.name}: ${verdict.detail}`);
 * ```
 */
export function runLossCase(fixture: unknown): LossCaseResult {
  const name = caseName(fixture);
  const decoded = decodeLossFixture(fixture);
  if (E.isLeft(decoded)) return { name, ok: false, detail: `malformed fixture: ${decoded.left}` };
  try {
    return summarize(name, check(decoded.right));
  } catch (e) {
    return { name, ok: false, detail: `error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  }
}
