// The safetensors codec: exact round trips, reading F16/BF16, and a clear LoadError for
// every way a header can be wrong. Files are built byte by byte here (independently of
// the encoder) so the decoder is checked against the format, not against itself.
import { describe, expect, it } from 'vitest';
import type { Tensor} from '../src/index.js';
import { LoadError, decodeSafetensors, encodeSafetensors, fromStorage, tensor, type Either, type Safetensors } from '../src/index.js';

/** A safetensors file from a header (object or raw text) and a data section. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

function loaded(result: Either<LoadError, Safetensors>): Safetensors {
  if (result._tag === 'Left') throw result.left;
  return result.right;
}

function failure(result: Either<LoadError, Safetensors>): LoadError {
  if (result._tag === 'Right') throw new Error('expected a LoadError, the file loaded');
  expect(result.left).toBeInstanceOf(LoadError);
  return result.left;
}

const f32 = (...xs: number[]): Uint8Array => new Uint8Array(new Float32Array(xs).buffer);

describe('safetensors round trip', () => {
  it('keeps names, order, shapes, dtypes, bits and metadata', () => {
    const weird = new Float64Array([Number.NaN, -0, Infinity, -Infinity, 5e-324, Number.MAX_VALUE]);
    const tensors = {
      'lstm.weight_ih_l0': tensor([[1.5, -2.25], [3, 4]]),
      scalar: fromStorage([], new Float64Array([Math.PI])),
      ids: fromStorage([3], new Int32Array([-2147483648, 0, 2147483647])),
      empty: fromStorage([0, 4], new Float32Array(0)),
      weird: fromStorage([2, 3], weird),
      __proto__: tensor([7]),
    };
    const bytes = encodeSafetensors(tensors, { format: 'pt', note: 'ünïcödé' });
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLength % 8).toBe(0); // data aligned to 8 bytes
    const back = loaded(decodeSafetensors(bytes));
    expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
    expect(back.metadata).toEqual({ format: 'pt', note: 'ünïcödé' });
    for (const [name, t] of Object.entries(tensors)) {
      const u = back.tensors[name];
      expect(u.shape).toEqual(t.shape);
      expect(u.dtype).toBe(t.dtype);
      expect(new Uint8Array(u.data.buffer, u.data.byteOffset, u.data.byteLength)).toEqual(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    expect(Object.getPrototypeOf(back.tensors)).toBe(Object.prototype);
  });

  it('reads a file written by hand to the specification', () => {
    const bytes = build({ b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1, 2, 3));
    const back = loaded(decodeSafetensors(bytes));
    expect(back.tensors.a.toArray()).toEqual([1, 2]);
    expect(back.tensors.b.toArray()).toEqual([3]);
    expect(Object.keys(back.tensors)).toEqual(['a', 'b']); // in byte order
  });

  it('widens F16 and BF16 to float32 exactly', () => {
    // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), +Inf, NaN. BF16: 1, -3.5, 2^-126.
    const half = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00]);
    const bf = new Uint16Array([0x3f80, 0xc060, 0x0080]);
    const data = new Uint8Array(18);
    data.set(new Uint8Array(half.buffer), 0);
    data.set(new Uint8Array(bf.buffer), 12);
    const back = loaded(decodeSafetensors(build({ h: { dtype: 'F16', shape: [6], data_offsets: [0, 12] }, b: { dtype: 'BF16', shape: [3], data_offsets: [12, 18] } }, data)));
    expect(back.tensors.h.dtype).toBe('float32');
    expect(back.tensors.h.toFlatArray()).toEqual([1, -2, 65504, 2 ** -24, Infinity, Number.NaN]);
    expect(back.tensors.b.toFlatArray()).toEqual([1, -3.5, 2 ** -126]);
  });

  it('refuses to encode a reserved name or a non-string metadata value', () => {
    expect(() => encodeSafetensors({}, { n: 3 as unknown as string })).toThrow("metadata 'n' must be a string");
    expect(() => encodeSafetensors({ x: 1 as unknown as Tensor })).toThrow("'x' is not a Tensor");
  });
});

describe('safetensors validation', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short for a header length', new Uint8Array(5), /is 5 bytes long/],
    ['header length past the file', (() => { const b = build(ok, f32(1, 2)); new DataView(b.buffer).setUint32(0, 10_000, true); return b; })(), /header length 10000 runs past the end of the file/],
    ['header length over 2^32', (() => { const b = build(ok, f32(1, 2)); new DataView(b.buffer).setUint32(4, 7, true); return b; })(), /runs past the end of the file/],
    ['invalid JSON', build('{"a": {"dtype": "F32"', f32(1)), /header is not valid JSON/],
    ['invalid UTF-8', (() => { const b = build('{"?": {}}'); b[10] = 0xff; return b; })(), /header is not valid UTF-8/],
    ['header not an object', build('[1, 2]'), /header is not a JSON object/],
    ['duplicate keys', build('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}', f32(1, 2)), /'a': is given twice/],
    ['unknown dtype', build({ a: { dtype: 'F17', shape: [2], data_offsets: [0, 8] } }, f32(1, 2)), /'a': unknown dtype "F17"/],
    ['unsupported dtype', build({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, f32(1, 2)), /'a': dtype I64 is not supported/],
    ['size does not match dtype × shape', build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)), /'a': holds 8 bytes, but F32 \[3\] needs 12/],
    ['offsets past the data', build({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(1, 2)), /'a': data_offsets \[0, 16\] run past the end of the data \(8 bytes/],
    ['offsets backwards', build({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, f32(1, 2)), /run backwards/],
    ['overlap', build({ a: ok.a, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /overlap/],
    ['gap', build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /'a': .*leave a gap of 4 bytes/],
    ['trailing bytes', build(ok, f32(1, 2, 3)), /cover 8 bytes of data but the file holds 12/],
    ['negative shape', build({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32(1, 2)), /shape must be a list of non-negative integers/],
    ['fractional offsets', build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 7.5] } }, f32(1, 2)), /data_offsets must be two non-negative integers/],
    ['entry not an object', build({ a: 3 }), /'a': header entry must be an object/],
    ['metadata not strings', build({ __metadata__: { epoch: 3 } }), /'__metadata__': value of 'epoch' must be a string/],
    // A header claiming 2^40 × 2^40 elements: rejected by arithmetic, never allocated.
    ['a lying huge shape', build({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, f32(1, 2)), /needs 4\.8\d+e\+24/],
  ];
  it.each(cases)('%s', (_name, bytes, message) => {
    const error = failure(decodeSafetensors(bytes, 'model.safetensors'));
    expect(error.message).toMatch(/^model\.safetensors: /);
    expect(error.message).toMatch(message);
  });

  it('accepts an empty file of no tensors and a header padded with spaces', () => {
    expect(loaded(decodeSafetensors(build('{}      '))).tensors).toEqual({});
  });
});
