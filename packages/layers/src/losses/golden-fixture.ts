import type { DType, Tensor } from '@tapestry/core';
import { tensor } from '@tapestry/core';
import type { Either } from 'fp-ts/lib/Either.js';
import { isLeft, left, right } from 'fp-ts/lib/Either.js';

/** A decoded loss fixture (see the golden README's "Losses" section). */
export interface LossFixture {
  /** The `case` name, e.g. `loss_cross_entropy`. */
  readonly name: string;
  /** Which loss: PyTorch's module name. */
  readonly module: 'cross_entropy' | 'mse_loss';
  /** The raw `config` object. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Input tensors: `logits` (float64) and `targets` (int32), or `input` and `target`. */
  readonly inputs: Readonly<Record<string, Tensor>>;
  /** The expected loss value. */
  readonly loss: number;
  /** Expected gradients (float64), keyed like the inputs they belong to. */
  readonly grads: Readonly<Record<string, Tensor>>;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function decodeTensor(where: string, x: unknown, dtype: DType): Either<string, Tensor> {
  if (!isObject(x) || !Array.isArray(x.shape) || !Array.isArray(x.data)) return left(`${where} is not a {shape, data} tensor`);
  const shape: unknown[] = x.shape;
  const data: unknown[] = x.data;
  if (!shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return left(`${where}.shape is not a list of sizes`);
  if (!data.every((v) => typeof v === 'number' && (dtype !== 'int32' || Number.isInteger(v)))) return left(`${where}.data holds a value that is not ${dtype === 'int32' ? 'an integer' : 'a number'}`);
  const size = (shape as number[]).reduce((n, d) => n * d, 1);
  if (size !== data.length) return left(`${where}: shape [${shape.join(',')}] needs ${size} values, got ${data.length}`);
  return right(tensor(data as number[], { shape: shape as number[], dtype }));
}

function decodeTensors(where: string, x: unknown, dtypes: Readonly<Record<string, DType>>): Either<string, Record<string, Tensor>> {
  if (!isObject(x)) return left(`${where} is missing`);
  const out: Record<string, Tensor> = {};
  for (const key of Object.keys(x)) {
    const dtype = dtypes[key];
    if (dtype === undefined) return left(`${where}.${key} is not a known entry (expected ${Object.keys(dtypes).join(', ')})`);
    const decoded = decodeTensor(`${where}.${key}`, x[key], dtype);
    if (isLeft(decoded)) return decoded;
    out[key] = decoded.right;
  }
  const missing = Object.keys(dtypes).filter((k) => !(k in out));
  return missing.length > 0 ? left(`${where} lacks ${missing.join(', ')}`) : right(out);
}

const inputDTypes = {
  cross_entropy: { logits: 'float64', targets: 'int32' },
  mse_loss: { input: 'float64', target: 'float64' },
} as const;

const gradDTypes = {
  cross_entropy: { logits: 'float64' },
  mse_loss: { input: 'float64', target: 'float64' },
} as const;

function decodeLoss(x: Json): Either<string, number> {
  const value = isObject(x.loss) ? x.loss.value : undefined;
  if (typeof value !== 'number') return left('loss.value is not a number');
  const output = isObject(x.outputs) ? x.outputs.loss : value;
  return output === value ? right(value) : left(`outputs.loss (${String(output)}) and loss.value (${value}) differ`);
}

/** Decodes a parsed loss fixture, or says what is wrong with it. */
export function decodeLossFixture(x: unknown): Either<string, LossFixture> {
  if (!isObject(x)) return left('the fixture is not a JSON object');
  const name = typeof x.case === 'string' ? x.case : '?';
  if (x.kind !== 'loss') return left(`kind is ${JSON.stringify(x.kind)}, not "loss"`);
  if (x.module !== 'cross_entropy' && x.module !== 'mse_loss') return left(`module ${JSON.stringify(x.module)} is not cross_entropy or mse_loss`);
  const module = x.module;
  const inputs = decodeTensors('inputs', x.inputs, inputDTypes[module]);
  if (isLeft(inputs)) return inputs;
  const grads = decodeTensors('grads', x.grads, gradDTypes[module]);
  if (isLeft(grads)) return grads;
  const loss = decodeLoss(x);
  if (isLeft(loss)) return loss;
  const config = isObject(x.config) ? x.config : {};
  return right({ name, module, config, inputs: inputs.right, loss: loss.right, grads: grads.right });
}
