/**
 * `@tapestry/optim/golden`: runs the reference fixtures of kind `optimizer` and
 * `clip_grad_norm` (see the golden fixtures' README) against this package. Used by the
 * package's tests and by the repository's `pnpm golden` command.
 *
 * @packageDocumentation
 */
import type { Tensor } from '@tapestry/core';
import { fromStorage } from '@tapestry/core';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { clipByGlobalNorm } from './clip.js';
import type { Optimizer } from './optimizer.js';
import { sgd } from './sgd.js';

/** The fixture kinds {@link runOptimizerCase} understands. */
export const optimizerKinds: readonly string[] = ['optimizer', 'clip_grad_norm'];

/** The outcome of one comparison (one step of an optimizer case, or one output). */
export interface GoldenResult {
  /** `<case> step <k>` or `<case> <output>`. */
  readonly name: string;
  /** Whether every value matched within the tolerance. */
  readonly ok: boolean;
  /** The worst relative error and where it occurred, or why the case could not run. */
  readonly detail: string;
}

/** How to run and compare a case. */
export interface GoldenOptions {
  /** Dtype of the tensors the optimizer runs on (default float64, as the fixtures). */
  readonly dtype?: 'float32' | 'float64';
  /**
   * Relative tolerance (default 1e-12 for float64, 1e-5 for float32): a value `a`
   * matches the expected `e` when `|a − e| ≤ rtol · |e| + atol`.
   */
  readonly rtol?: number;
  /** Absolute floor of the tolerance (default 0: the fixtures hold no near-zero results). */
  readonly atol?: number;
}

type Params = Record<string, Tensor>;
type Json = Record<string, unknown>;

/**
 * Runs one parsed fixture of kind `optimizer` (5 steps of SGD, Adam or AdamW, every
 * parameter compared after every step) or `clip_grad_norm` (clipped gradients and
 * pre-clip norm), and returns one result per comparison. Never throws for a bad
 * fixture: it returns a failed result that says what was wrong.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { runOptimizerCase } from '@tapestry/optim/golden';
 * const results = runOptimizerCase(JSON.parse(readFileSync('golden/fixtures/optim_adam.json', 'utf8')));
 * for (const r of results) console.log(r.ok ? 'ok  ' : 'FAIL', r.name, r.detail);
 * ```
 */
export function runOptimizerCase(fixture: unknown, options: GoldenOptions = {}): GoldenResult[] {
  const dtype = options.dtype ?? 'float64';
  const tol = { rtol: options.rtol ?? (dtype === 'float64' ? 1e-12 : 1e-5), atol: options.atol ?? 0 };
  const name = isRecord(fixture) && typeof fixture.case === 'string' ? fixture.case : '(unnamed case)';
  try {
    if (!isRecord(fixture)) throw new Error('the fixture is not a JSON object');
    if (fixture.kind === 'optimizer') return runOptimizer(name, fixture, dtype, tol);
    if (fixture.kind === 'clip_grad_norm') return runClip(name, fixture, dtype, tol);
    throw new Error(`kind '${String(fixture.kind)}' is not one of ${optimizerKinds.join(', ')}`);
  } catch (e) {
    return [{ name, ok: false, detail: e instanceof Error ? e.message : String(e) }];
  }
}

interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

function runOptimizer(name: string, f: Json, dtype: 'float32' | 'float64', tol: Tolerance): GoldenResult[] {
  const opt = buildOptimizer(String(f.module), record(f.config, 'config'));
  const grads = list(f.grad_sequence, 'grad_sequence').map((g) => readParams(g, dtype));
  const expected = list(f.params_after_step, 'params_after_step').map((p) => readParams(p, 'float64'));
  const steps = typeof f.steps === 'number' ? f.steps : grads.length;
  if (grads.length < steps || expected.length < steps) throw new Error(`needs ${steps} gradients and expected parameter sets`);
  let params = readParams(f.params_init, dtype);
  let state = opt.init(params);
  const results: GoldenResult[] = [];
  for (let k = 0; k < steps; k++) {
    [params, state] = opt.step(grads[k], state, params);
    results.push(compareTrees(`${name} step ${k + 1}`, params, expected[k], tol));
  }
  return results;
}

function runClip(name: string, f: Json, dtype: 'float32' | 'float64', tol: Tolerance): GoldenResult[] {
  const config = record(f.config, 'config');
  if (typeof config.max_norm !== 'number') throw new Error('config.max_norm is missing');
  if (config.norm_type !== undefined && config.norm_type !== 2) throw new Error(`only the L2 norm is supported, got norm_type ${String(config.norm_type)}`);
  const clip = clipByGlobalNorm(config.max_norm);
  const grads = readParams(f.grads_in, dtype);
  const { updates, state } = clip.update(grads, clip.init(grads));
  if (typeof f.total_norm !== 'number') throw new Error('total_norm is missing');
  const normError = relativeError(state.lastNorm, f.total_norm, tol);
  return [
    compareTrees(`${name} grads_out`, updates, readParams(f.grads_out, 'float64'), tol),
    { name: `${name} total_norm`, ok: normError.ok, detail: `got ${state.lastNorm}, expected ${f.total_norm} (rel err ${normError.rel.toExponential(2)})` },
  ];
}

/** The optimizer a fixture's `module` and `config` describe (PyTorch names). */
function buildOptimizer(module: string, c: Json): Optimizer<unknown> {
  if (c.maximize !== undefined && typeof c.maximize !== 'boolean') throw new Error('config.maximize must be a boolean');
  const common = { lr: num(c.lr, 'lr'), weightDecay: num(c.weight_decay ?? 0, 'weight_decay'), maximize: c.maximize === true };
  if (module === 'SGD') {
    return sgd({ ...common, momentum: num(c.momentum ?? 0, 'momentum'), dampening: num(c.dampening ?? 0, 'dampening'), nesterov: c.nesterov === true });
  }
  if (module === 'Adam' || module === 'AdamW') {
    const betas = list(c.betas, 'betas').map((b) => num(b, 'betas'));
    const settings = { ...common, betas: [betas[0], betas[1]] as const, eps: num(c.eps, 'eps'), amsgrad: c.amsgrad === true };
    return module === 'Adam' ? adam(settings) : adamw(settings);
  }
  throw new Error(`unknown optimizer module '${module}'`);
}

function compareTrees(name: string, actual: Params, expected: Params, tol: Tolerance): GoldenResult {
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return { name, ok: false, detail: `got entries ${Object.keys(actual).join(', ')}, expected ${keys.join(', ')}` };
  let maxRel = 0;
  let maxAt = '-';
  let mismatch: string | undefined;
  for (const key of keys) {
    const a = actual[key];
    const e = expected[key];
    if (a === undefined || a.size !== e.size) return { name, ok: false, detail: `'${key}' is missing or has the wrong size` };
    for (let i = 0; i < e.size; i++) {
      const r = relativeError(a.data[i], e.data[i], tol);
      if (r.rel > maxRel || Number.isNaN(r.rel)) [maxRel, maxAt] = [r.rel, `'${key}'[${i}]`];
      if (!r.ok && mismatch === undefined) mismatch = `'${key}'[${i}] = ${a.data[i]}, expected ${e.data[i]}`;
    }
  }
  const summary = `max rel err ${maxRel.toExponential(2)} at ${maxAt}`;
  return { name, ok: mismatch === undefined, detail: mismatch === undefined ? summary : `${summary}; first mismatch ${mismatch}` };
}

function relativeError(actual: number, expected: number, tol: Tolerance): { rel: number; ok: boolean } {
  const diff = Math.abs(actual - expected);
  const rel = expected === 0 ? diff : diff / Math.abs(expected);
  return { rel, ok: diff <= tol.rtol * Math.abs(expected) + tol.atol };
}

function readParams(json: unknown, dtype: 'float32' | 'float64'): Params {
  const out: Params = {};
  for (const [key, t] of Object.entries(record(json, 'parameter set'))) {
    const { shape, data } = record(t, key);
    if (!Array.isArray(shape) || !Array.isArray(data)) throw new Error(`'${key}' is not a {shape, data} tensor`);
    const values = dtype === 'float64' ? Float64Array.from(data as number[]) : Float32Array.from(data as number[]);
    out[key] = fromStorage(shape as number[], values);
  }
  return out;
}

function isRecord(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function record(x: unknown, what: string): Json {
  if (!isRecord(x)) throw new Error(`${what} must be an object`);
  return x;
}

function list(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw new Error(`${what} must be a list`);
  return x;
}

function num(x: unknown, what: string): number {
  if (typeof x !== 'number') throw new Error(`config.${what} must be a number`);
  return x;
}
