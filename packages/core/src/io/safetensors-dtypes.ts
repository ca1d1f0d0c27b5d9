/**
 * The safetensors element types Tapestry reads and writes, and how their little-endian
 * bytes become typed arrays. F32, F64 and I32 map one to one onto tensor dtypes; F16
 * and BF16 (common in published weights) are widened to float32 on reading, exactly.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';

/** A safetensors dtype Tapestry can read. */
export type SafetensorsDType = 'F32' | 'F64' | 'I32' | 'F16' | 'BF16';

interface DTypeInfo {
  /** Bytes per element in the file. */
  readonly bytes: number;
  /** The tensor dtype it loads as. */
  readonly loadsAs: DType;
}

const READABLE: Readonly<Record<SafetensorsDType, DTypeInfo>> = {
  F32: { bytes: 4, loadsAs: 'float32' },
  F64: { bytes: 8, loadsAs: 'float64' },
  I32: { bytes: 4, loadsAs: 'int32' },
  F16: { bytes: 2, loadsAs: 'float32' },
  BF16: { bytes: 2, loadsAs: 'float32' },
};

/** Dtypes of the format that Tapestry recognises but cannot hold (so the error can say so). */
const KNOWN_UNSUPPORTED = new Set(['BOOL', 'U8', 'I8', 'U16', 'I16', 'U32', 'U64', 'I64', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);

/** The safetensors dtype a tensor dtype is written as. */
export const WRITTEN_AS: Readonly<Record<DType, SafetensorsDType>> = { float32: 'F32', float64: 'F64', int32: 'I32' };

/** Bytes per element and the tensor dtype, or why `name` cannot be read. */
export function dtypeInfo(name: unknown): DTypeInfo | string {
  if (typeof name === 'string' && Object.hasOwn(READABLE, name)) return READABLE[name as SafetensorsDType];
  if (typeof name === 'string' && KNOWN_UNSUPPORTED.has(name)) return `dtype ${name} is not supported (Tapestry reads F32, F64, I32, F16 and BF16)`;
  return name === undefined ? 'has no dtype' : `unknown dtype ${JSON.stringify(name)}`;
}

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Decodes `count` little-endian elements of `dtype` starting at `bytes[offset]` into a fresh typed array. */
export function decodeElements(dtype: SafetensorsDType, bytes: Uint8Array, offset: number, count: number): TypedArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * READABLE[dtype].bytes);
  switch (dtype) {
    case 'F32':
      return littleEndianHost ? new Float32Array(copy(bytes, offset, count * 4)) : fill(new Float32Array(count), (i) => view.getFloat32(4 * i, true));
    case 'F64':
      return littleEndianHost ? new Float64Array(copy(bytes, offset, count * 8)) : fill(new Float64Array(count), (i) => view.getFloat64(8 * i, true));
    case 'I32':
      return littleEndianHost ? new Int32Array(copy(bytes, offset, count * 4)) : fill(new Int32Array(count), (i) => view.getInt32(4 * i, true));
    case 'F16':
      return fill(new Float32Array(count), (i) => halfToFloat(view.getUint16(2 * i, true)));
    case 'BF16': {
      // A bfloat16 is the upper half of a float32, so widening is a shift.
      const scratch = new DataView(new ArrayBuffer(4));
      return fill(new Float32Array(count), (i) => {
        scratch.setUint32(0, view.getUint16(2 * i, true) << 16);
        return scratch.getFloat32(0);
      });
    }
  }
}

/** The little-endian bytes of a tensor's storage. */
export function encodeElements(data: TypedArray): Uint8Array {
  if (littleEndianHost) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(4 * i, data[i], true);
    else if (data instanceof Float64Array) view.setFloat64(8 * i, data[i], true);
    else view.setInt32(4 * i, data[i], true);
  }
  return out;
}

/** An IEEE 754 half-precision bit pattern as a number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A fresh, aligned copy of `length` bytes (typed arrays need an offset that is a multiple of their element size). */
function copy(bytes: Uint8Array, offset: number, length: number): ArrayBuffer {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(offset, offset + length));
  return out.buffer;
}

function fill<A extends TypedArray>(out: A, at: (i: number) => number): A {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}
