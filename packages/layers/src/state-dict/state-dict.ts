import { TapestryError, formatShape, mapTree, type Either, type Tensor } from '@tapestry/core';
import { stateDictNames } from './names.js';

/** One tensor whose shape or dtype differs between the state dict and the model. */
export interface StateDictConflict {
  /** The state-dict name. */
  readonly name: string;
  /** What the model expects (`[4,3]`, `float32`). */
  readonly expected: string;
  /** What the state dict holds. */
  readonly got: string;
}

/** Everything that keeps a state dict from loading, all at once (as PyTorch's strict mode). */
export interface StateDictMismatch {
  /** Names the model has and the state dict lacks. */
  readonly missing: readonly string[];
  /** Names the state dict has and the model lacks. */
  readonly unexpected: readonly string[];
  /** Names present in both with different shapes. */
  readonly wrongShape: readonly StateDictConflict[];
  /** Names present in both with different dtypes. */
  readonly wrongDType: readonly StateDictConflict[];
}

/** A state dict does not fit the model; {@link StateDictError.mismatch} lists every difference. */
export class StateDictError extends TapestryError {
  /** `'StateDictError'`, for messages and `error.name` checks. */
  override name = 'StateDictError';

  constructor(
    /** Every difference between the state dict and the model. */
    readonly mismatch: StateDictMismatch,
    /** Where the state dict came from (a file name), for the message. */
    readonly source: string,
  ) {
    super(describe(mismatch, source));
  }
}

/**
 * A parameter tree as a flat PyTorch state dict: `{ 'lstm.weight_ih_l0': …, 'head.bias': … }`.
 * A `stackLayers` of built-in recurrent layers and the `LSTM`/`GRU`/`RNN` modules of the
 * same network get the same names, which `torch.nn` loads with `load_state_dict(strict=True)`.
 * The tensors are shared, not copied.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { LSTM, lstmCell, recurrent, stackLayers, toStateDict } from '@tapestry/layers';
 * const net = stackLayers([recurrent(lstmCell({ hiddenSize: 8 })), recurrent(lstmCell({ hiddenSize: 8 }))]);
 * const fromStack = toStateDict({ lstm: net.init(new Rng(0), 4) });
 * const fromModule = toStateDict({ lstm: LSTM({ inputSize: 4, hiddenSize: 8, numLayers: 2 }).init(new Rng(0)) });
 * console.log(Object.keys(fromStack)); // ['lstm.weight_ih_l0', 'lstm.weight_hh_l0', …, 'lstm.bias_hh_l1']
 * console.log(Object.keys(fromModule).sort().join() === Object.keys(fromStack).sort().join()); // true
 * ```
 */
export function toStateDict(tree: unknown): Record<string, Tensor> {
  const names = stateDictNames(tree);
  const out: Record<string, Tensor> = {};
  mapTree(tree, (leaf, path) => Object.defineProperty(out, names.get(path) as string, { value: leaf, enumerable: true, writable: true, configurable: true }));
  return out;
}

/**
 * Fills a parameter tree shaped like `template` from a PyTorch state dict (e.g. the
 * tensors of a safetensors file saved from `model.state_dict()`). Every name, shape and
 * dtype is checked, and every difference — missing names, unexpected names, wrong
 * shapes, wrong dtypes — is reported at once in a {@link StateDictError}, as PyTorch's
 * `load_state_dict(strict=True)` does. `source` names the state dict in the message.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { GRU, fromStateDict, toStateDict } from '@tapestry/layers';
 * const gru = GRU({ inputSize: 3, hiddenSize: 5 });
 * const saved = toStateDict(gru.init(new Rng(1)));
 * const loaded = fromStateDict(saved, gru.init(new Rng(2)));
 * if (loaded._tag === 'Left') throw loaded.left;
 * const params = loaded.right; // the saved tensors, in the module's tree
 * ```
 */
export function fromStateDict<T>(dict: Readonly<Record<string, Tensor>>, template: T, source = 'state dict'): Either<StateDictError, T> {
  const names = stateDictNames(template);
  const expected = new Set(names.values());
  const missing: string[] = [];
  const wrongShape: StateDictConflict[] = [];
  const wrongDType: StateDictConflict[] = [];
  const tree = mapTree(template, (like, path) => {
    const name = names.get(path) as string;
    const got = Object.hasOwn(dict, name) ? dict[name] : undefined;
    if (got === undefined) missing.push(name);
    else if (got.shape.length !== like.shape.length || got.shape.some((d, i) => d !== like.shape[i])) {
      wrongShape.push({ name, expected: formatShape(like.shape), got: formatShape(got.shape) });
    } else if (got.dtype !== like.dtype) wrongDType.push({ name, expected: like.dtype, got: got.dtype });
    return got;
  });
  const unexpected = Object.keys(dict).filter((name) => !expected.has(name));
  if (missing.length + unexpected.length + wrongShape.length + wrongDType.length > 0) {
    return { _tag: 'Left', left: new StateDictError({ missing, unexpected, wrongShape, wrongDType }, source) };
  }
  return { _tag: 'Right', right: tree as T };
}

function describe(m: StateDictMismatch, source: string): string {
  const list = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');
  const parts: string[] = [];
  if (m.missing.length > 0) parts.push(`missing: ${list(m.missing)}`);
  if (m.unexpected.length > 0) parts.push(`unexpected: ${list(m.unexpected)}`);
  for (const c of m.wrongShape) parts.push(`'${c.name}' has shape ${c.got}, the model has ${c.expected}`);
  for (const c of m.wrongDType) parts.push(`'${c.name}' is ${c.got}, the model is ${c.expected}`);
  return `${source} does not fit the model: ${parts.join('; ')}`;
}
