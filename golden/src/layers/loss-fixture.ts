import { either as E } from 'fp-ts';
import type { DType, Tensor } from '@tapestry/core';
import { decodeTensor, isObject, type Json } from './decode.js';

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

function decodeTensors(where: string, x: unknown, dtypes: Readonly<Record<string, DType>>): E.Either<string, Record<string, Tensor>> {
  if (!isObject(x)) return E.left(`${where} is missing`);
  const out: Record<string, Tensor> = {};
  for (const key of Object.keys(x)) {
    const dtype = dtypes[key];
    if (dtype === undefined) return E.left(`${where}.${key} is not a known entry (expected ${Object.keys(dtypes).join(', ')})`);
    const decoded = decodeTensor(`${where}.${key}`, x[key], dtype);
    if (E.isLeft(decoded)) return decoded;
    out[key] = decoded.right;
  }
  const missing = Object.keys(dtypes).filter((k) => !(k in out));
  return missing.length > 0 ? E.left(`${where} lacks ${missing.join(', ')}`) : E.right(out);
}

const inputDTypes = {
  cross_entropy: { logits: 'float64', targets: 'int32' },
  mse_loss: { input: 'float64', target: 'float64' },
} as const;

const gradDTypes = {
  cross_entropy: { logits: 'float64' },
  mse_loss: { input: 'float64', target: 'float64' },
} as const;

function decodeLoss(x: Json): E.Either<string, number> {
  const value = isObject(x.loss) ? x.loss.value : undefined;
  if (typeof value !== 'number') return E.left('loss.value is not a number');
  const output = isObject(x.outputs) ? x.outputs.loss : value;
  return output === value ? E.right(value) : E.left(`outputs.loss (${String(output)}) and loss.value (${value}) differ`);
}

/** Decodes a parsed loss fixture, or says what is wrong with it. */
export function decodeLossFixture(x: unknown): E.Either<string, LossFixture> {
  if (!isObject(x)) return E.left('the fixture is not a JSON object');
  const name = typeof x.case === 'string' ? x.case : '?';
  if (x.kind !== 'loss') return E.left(`kind is ${JSON.stringify(x.kind)}, not "loss"`);
  if (x.module !== 'cross_entropy' && x.module !== 'mse_loss') return E.left(`module ${JSON.stringify(x.module)} is not cross_entropy or mse_loss`);
  const module = x.module;
  const inputs = decodeTensors('inputs', x.inputs, inputDTypes[module]);
  if (E.isLeft(inputs)) return inputs;
  const grads = decodeTensors('grads', x.grads, gradDTypes[module]);
  if (E.isLeft(grads)) return grads;
  const loss = decodeLoss(x);
  if (E.isLeft(loss)) return loss;
  const config = isObject(x.config) ? x.config : {};
  return E.right({ name, module, config, inputs: inputs.right, loss: loss.right, grads: grads.right });
}
