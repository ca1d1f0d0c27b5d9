import { either as E } from 'fp-ts';
import type { DType, Tensor } from '@tapestry/core';
import { tensor } from '@tapestry/core';

/** A parsed JSON object. */
export type Json = Readonly<Record<string, unknown>>;

export function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Decodes a fixture tensor `{shape, data}`, or says what is wrong with it (naming `where`). */
export function decodeTensor(where: string, x: unknown, dtype: DType): E.Either<string, Tensor> {
  if (!isObject(x) || !Array.isArray(x.shape) || !Array.isArray(x.data)) return E.left(`${where} is not a {shape, data} tensor`);
  const shape: unknown[] = x.shape;
  const data: unknown[] = x.data;
  if (!shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return E.left(`${where}.shape is not a list of sizes`);
  if (!data.every((v) => typeof v === 'number' && (dtype !== 'int32' || Number.isInteger(v)))) return E.left(`${where}.data holds a value that is not ${dtype === 'int32' ? 'an integer' : 'a number'}`);
  const size = (shape as number[]).reduce((n, d) => n * d, 1);
  if (size !== data.length) return E.left(`${where}: shape [${shape.join(',')}] needs ${size} values, got ${data.length}`);
  return E.right(tensor(data as number[], { shape: shape as number[], dtype }));
}

/** Decodes every entry of a name → tensor record with one dtype. */
export function decodeRecord(where: string, x: unknown, dtype: DType): E.Either<string, Record<string, Tensor>> {
  if (!isObject(x)) return E.left(`${where} is missing`);
  const out: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(x)) {
    const decoded = decodeTensor(`${where}.${key}`, value, dtype);
    if (E.isLeft(decoded)) return decoded;
    out[key] = decoded.right;
  }
  return E.right(out);
}
