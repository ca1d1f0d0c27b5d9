// Fuzzing the safetensors decoder: valid files are corrupted at random (bytes flipped,
// truncated, spliced, header length rewritten, header JSON edited) and every result must
// be either a clear LoadError or a load that agrees with an independent reading of the
// corrupted bytes — never another exception, never a hang, never storage larger than
// the input could justify.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoadError, decodeSafetensors, encodeSafetensors, fromStorage, type Tensor } from '../src/index.js';
import { propertyRuns } from '../src/testing/index.js';

const arbTensor = fc
  .record({
    dtype: fc.constantFrom('float32', 'float64', 'int32'),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    seed: fc.integer(),
  })
  .map(({ dtype, shape, seed }): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, (_, i) => ((seed + i * 7919) % 1000) / 7);
    const data = dtype === 'float32' ? new Float32Array(values) : dtype === 'float64' ? new Float64Array(values) : Int32Array.from(values, Math.round);
    return fromStorage(shape, data);
  });

const arbFile = fc
  .dictionary(fc.string({ minLength: 1, maxLength: 6 }), arbTensor, { maxKeys: 4 })
  .map((tensors) => encodeSafetensors(tensors, { format: 'pt' }));

type Corruption = (bytes: Uint8Array) => Uint8Array;

const arbCorruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }).map(({ at, value }) => (b: Uint8Array) => {
    const out = b.slice();
    if (out.length > 0) out[at % out.length] = value;
    return out;
  }),
  fc.nat().map((keep) => (b: Uint8Array) => b.slice(0, keep % (b.length + 1))),
  fc.record({ at: fc.nat(), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }).map(({ at, extra }) => (b: Uint8Array) => {
    const i = at % (b.length + 1);
    return new Uint8Array([...b.subarray(0, i), ...extra, ...b.subarray(i)]);
  }),
  fc.record({ low: fc.nat(), high: fc.nat({ max: 3 }) }).map(({ low, high }) => (b: Uint8Array) => {
    const out = b.slice();
    if (out.length >= 8) {
      new DataView(out.buffer).setUint32(0, low >>> 0, true);
      new DataView(out.buffer).setUint32(4, high, true);
    }
    return out;
  }),
  // Edit the JSON text: replace a digit (offsets, shapes) or a quote-delimited token.
  fc.record({ at: fc.nat(), digit: fc.constantFrom('0', '1', '9', '99999999999', '-1', '1e308', '"x"') }).map(({ at, digit }) => (b: Uint8Array) => {
    if (b.length < 8) return b;
    const length = new DataView(b.buffer, b.byteOffset).getUint32(0, true);
    if (length > b.length - 8) return b;
    const text = new TextDecoder().decode(b.subarray(8, 8 + length));
    const digits = [...text.matchAll(/\d+/g)];
    if (digits.length === 0) return b;
    const m = digits[at % digits.length];
    const edited = new TextEncoder().encode(text.slice(0, m.index) + digit + text.slice((m.index ?? 0) + m[0].length));
    const out = new Uint8Array(8 + edited.length + b.length - 8 - length);
    new DataView(out.buffer).setUint32(0, edited.length, true);
    out.set(edited, 8);
    out.set(b.subarray(8 + length), 8 + edited.length);
    return out;
  }),
);

/** Reads the corrupted file independently: each tensor must be exactly the bytes its header entry points at. */
function agreesWithBytes(bytes: Uint8Array, tensors: Record<string, Tensor>): void {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  expect(Object.keys(tensors).sort()).toEqual(names.sort());
  let covered = 0;
  for (const name of names) {
    const { shape, data_offsets: [begin, end] } = header[name];
    const t = tensors[name];
    expect(t.shape).toEqual(shape);
    const raw = bytes.subarray(8 + length + begin, 8 + length + end);
    expect(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)).toEqual(raw);
    covered += end - begin;
  }
  expect(covered).toBe(bytes.length - 8 - length); // no gaps or trailing bytes slipped through
}

describe('safetensors fuzz', () => {
  it('every corrupted file is a correct load or a clear LoadError', () => {
    let slowest = 0;
    const outcomes = { loads: 0, errors: 0 };
    fc.assert(
      fc.property(arbFile, fc.array(arbCorruption, { minLength: 1, maxLength: 3 }), (file, corruptions) => {
        const bytes = corruptions.reduce((b, corrupt) => corrupt(b), file);
        const start = performance.now();
        const result = decodeSafetensors(bytes, 'fuzz.safetensors');
        slowest = Math.max(slowest, performance.now() - start);
        outcomes[result._tag === 'Left' ? 'errors' : 'loads']++;
        if (result._tag === 'Left') {
          expect(result.left).toBeInstanceOf(LoadError);
          expect(result.left.message).toMatch(/^fuzz\.safetensors: .+/);
        } else {
          const stored = Object.values(result.right.tensors).reduce((n, t) => n + t.data.byteLength, 0);
          expect(stored).toBeLessThanOrEqual(bytes.length); // F32/F64/I32 only here: no widening
          agreesWithBytes(bytes, result.right.tensors);
        }
      }),
      { numRuns: propertyRuns(400) },
    );
    // Files here are under a few KiB; even a loaded machine decodes one in well under 50 ms.
    expect(slowest).toBeLessThan(50);
    // Both outcomes must really occur, or the corruptions are too tame (or too wild) to test anything.
    expect(outcomes.loads).toBeGreaterThan(0);
    expect(outcomes.errors).toBeGreaterThan(0);
  });
});
