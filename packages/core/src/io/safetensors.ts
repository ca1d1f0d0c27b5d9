/**
 * The safetensors format on bytes — no file system, so it works in the browser as in
 * Node (`@tapestry/core/node` adds the file helpers). The layout: an 8-byte little-endian
 * header length, a JSON header naming every tensor's dtype, shape and byte range, then
 * the raw little-endian data. It is the format of Hugging Face checkpoints and loads
 * directly with Python's `safetensors.torch.load_file`.
 */
import { failure, success, type Either } from '../either.js';
import { LoadError, ValueError } from '../errors.js';
import { fromStorage } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { WRITTEN_AS, decodeElements, encodeElements } from './safetensors-dtypes.js';
import { readHeader } from './safetensors-header.js';

export type { SafetensorsDType } from './safetensors-dtypes.js';

/** The contents of a safetensors file: named tensors and free-form string metadata. */
export interface Safetensors {
  /** Tensors by name, in the order of their bytes in the file. */
  readonly tensors: Record<string, Tensor>;
  /** The header's `__metadata__` (empty if it has none). */
  readonly metadata: Record<string, string>;
}

/**
 * Encodes named tensors (and optional string metadata) as a safetensors file. float32,
 * float64 and int32 tensors are written as F32, F64 and I32, bit for bit, in the order
 * given; the header is padded with spaces to a multiple of 8 bytes so every tensor's
 * data is aligned.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors, tensor } from '@tapestry/core';
 * const bytes = encodeSafetensors({ 'linear.weight': tensor([[1, 2], [3, 4]]) }, { format: 'pt' });
 * const back = decodeSafetensors(bytes);
 * if (back._tag === 'Right') console.log(back.right.tensors['linear.weight'].toArray()); // [[1, 2], [3, 4]]
 * ```
 */
export function encodeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  const define = (key: string, value: unknown): void => void Object.defineProperty(header, key, { value, enumerable: true, writable: true, configurable: true });
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new ValueError(`encodeSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
    define('__metadata__', metadata);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new ValueError("encodeSafetensors: '__metadata__' is reserved and cannot name a tensor");
    if (!(t instanceof Tensor)) throw new ValueError(`encodeSafetensors: '${name}' is not a Tensor`);
    const bytes = encodeElements(t.data);
    define(name, { dtype: WRITTEN_AS[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] });
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(json);
  json += ' '.repeat((8 - (headerBytes.length % 8)) % 8);
  const paddedHeader = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + paddedHeader.length + offset);
  new DataView(out.buffer).setUint32(0, paddedHeader.length, true);
  out.set(paddedHeader, 8);
  let at = 8 + paddedHeader.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Decodes a safetensors file, checking it strictly first: the header length must fit
 * in the file, the header must be a JSON object without repeated keys, every dtype
 * known, every shape's size must match its byte range, and the byte ranges must tile
 * the data exactly (no overlap, gap or trailing bytes). F16 and BF16 tensors are
 * widened to float32. A fault gives a {@link LoadError} naming `source` (a file name
 * for messages) and the tensor at fault — never a crash or an allocation larger than
 * the input.
 *
 * @example
 * ```ts
 * import { decodeSafetensors } from '@tapestry/core';
 * const result = decodeSafetensors(new Uint8Array([1, 2, 3]), 'weights.safetensors');
 * if (result._tag === 'Left') console.log(result.left.message);
 * // weights.safetensors: is 3 bytes long; a safetensors file starts with an 8-byte header length
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<bytes>'): Either<LoadError, Safetensors> {
  const header = readHeader(bytes);
  if (!('entries' in header)) return failure(new LoadError(source, header.reason, header.key));
  const tensors: Record<string, Tensor> = {};
  for (const e of [...header.entries].sort((a, b) => a.begin - b.begin)) {
    const count = e.shape.reduce((a, b) => a * b, 1);
    const data = decodeElements(e.dtype, bytes, header.dataStart + e.begin, count);
    Object.defineProperty(tensors, e.name, { value: fromStorage(e.shape, data), enumerable: true, writable: true, configurable: true });
  }
  return success({ tensors, metadata: header.metadata });
}
