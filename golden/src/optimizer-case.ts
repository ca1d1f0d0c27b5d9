/**
 * Runs the reference fixtures of kind `optimizer` and `clip_grad_norm` (see the
 * fixtures' README) against `@tapestry/optim`, step by step.
 */
import type { Tensor } from '@tapestry/core';
import { fromStorage } from '@tapestry/core';
import type { Optimizer } from '@tapestry/optim';
import { adagrad, adam, adamw, clipByGlobalNorm, rmsprop, sgd } from '@tapestry/optim';

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
 * Runs one parsed fixture of kind `optimizer` (steps of PyTorch's SGD, Adam, AdamW,
 * RMSprop or Adagrad, every
 * parameter compared after every step) or `clip_grad_norm` (clipped gradients and
 * pre-clip norm), and returns one result per comparison. Never throws for a bad
 * fixture: it returns a failed result that says what was wrong.
 *
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

/** The optimizer a fixture's `module` and `config` describe (PyTorch names and defaults). */
function buildOptimizer(module: string, c: Json): Optimizer<unknown> {
  for (const flag of ['maximize', 'nesterov', 'amsgrad', 'centered']) {
    if (c[flag] !== undefined && typeof c[flag] !== 'boolean') throw new Error(`config.${flag} must be a boolean`);
  }
  const common = { weightDecay: num(c.weight_decay ?? 0, 'weight_decay'), maximize: c.maximize === true };
  switch (module) {
    case 'SGD':
      return sgd({ ...common, lr: num(c.lr ?? 1e-3, 'lr'), momentum: num(c.momentum ?? 0, 'momentum'), dampening: num(c.dampening ?? 0, 'dampening'), nesterov: c.nesterov === true });
    case 'Adam':
    case 'AdamW': {
      const betas = list(c.betas ?? [0.9, 0.999], 'betas').map((b) => num(b, 'betas'));
      const settings = { ...common, lr: num(c.lr ?? 1e-3, 'lr'), betas: [betas[0], betas[1]] as const, eps: num(c.eps ?? 1e-8, 'eps'), amsgrad: c.amsgrad === true };
      const decoupled = module === 'AdamW' || c.decoupled_weight_decay === true;
      return decoupled ? adamw({ ...settings, weightDecay: num(c.weight_decay ?? (module === 'AdamW' ? 1e-2 : 0), 'weight_decay') }) : adam(settings);
    }
    case 'RMSprop':
      return rmsprop({ ...common, lr: num(c.lr ?? 1e-2, 'lr'), alpha: num(c.alpha ?? 0.99, 'alpha'), eps: num(c.eps ?? 1e-8, 'eps'), momentum: num(c.momentum ?? 0, 'momentum'), centered: c.centered === true });
    case 'Adagrad':
      return adagrad({ ...common, lr: num(c.lr ?? 1e-2, 'lr'), lrDecay: num(c.lr_decay ?? 0, 'lr_decay'), initialAccumulatorValue: num(c.initial_accumulator_value ?? 0, 'initial_accumulator_value'), eps: num(c.eps ?? 1e-10, 'eps') });
    default:
      throw new Error(`unknown optimizer module '${module}'`);
  }
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
