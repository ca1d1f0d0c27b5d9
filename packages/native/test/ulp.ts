// Distances in units in the last place, for the accuracy tests.

const view = new DataView(new ArrayBuffer(8));

/** The spacing of float64 numbers at `y` (the ulp of |y|; 2^-1074 at zero and for subnormals). */
export function ulp64(y: number): number {
  view.setFloat64(0, Math.abs(y));
  const exponent = (view.getUint32(0) >>> 20) & 0x7ff;
  return exponent === 0 ? 2 ** -1074 : 2 ** (exponent - 1075);
}

/** The spacing of float32 numbers at `y` (2^-149 at zero and for subnormals). */
export function ulp32(y: number): number {
  const a = Math.abs(Math.fround(y));
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23) * (2 ** Math.floor(Math.log2(a)) > a ? 0.5 : 1);
}

/**
 * `got`'s distance from `reference` in ulps of `reference` at the given spacing; 0 when
 * both are the same NaN/infinity/zero (signed), Infinity when one is special and the other not.
 */
export function ulpError(got: number, reference: number, ulp: (y: number) => number): number {
  if (Number.isNaN(reference) || Number.isNaN(got)) return Number.isNaN(reference) && Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(reference) || !Number.isFinite(got)) return got === reference ? 0 : Infinity;
  if (reference === 0 && got === 0) return Object.is(reference, got) ? 0 : Infinity;
  return Math.abs(got - reference) / ulp(reference);
}
