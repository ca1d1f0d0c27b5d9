import { tensor, ShapeError, type DType, type Tensor } from '@tapestry/core';

/** A tensor as the golden fixtures encode it: shape and flat row-major data. */
export interface EncodedTensor {
  shape: number[];
  data: number[];
}

/** The verdict on one golden case. */
export interface CaseResult {
  /** The case name from the fixture. */
  name: string;
  ok: boolean;
  /** The worst comparison, e.g. `grads.weight_hh_l0[3]: 1.2e-15 relative`. */
  detail: string;
}

/** Decodes a fixture tensor (float64 unless `dtype` says otherwise). */
export function decodeTensor(encoded: EncodedTensor, dtype: DType = 'float64', where = 'tensor'): Tensor {
  if (!Array.isArray(encoded?.shape) || !Array.isArray(encoded?.data)) throw new ShapeError(`golden: ${where} is not {shape, data}`);
  return tensor(encoded.data, { shape: encoded.shape, dtype });
}

/** Decodes a name → tensor record. */
export function decodeRecord(record: Record<string, EncodedTensor>, dtype: DType = 'float64', where = 'record'): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeTensor(v, dtype, `${where}.${k}`)]));
}

/**
 * Compares values element-wise with `|a − e| ≤ max(rtol·|e|, atol)` and tracks the
 * worst element, so a verdict can name what failed.
 */
export class Comparison {
  private worstRatio = 0;
  private worstText = 'no values compared';

  constructor(
    private readonly rtol: number,
    private readonly atol: number,
  ) {}

  /** Compares `actual` with `expected` under `label`; shapes must agree. */
  tensor(label: string, actual: Tensor | undefined, expected: Tensor): void {
    if (actual === undefined || actual.shape.join(',') !== expected.shape.join(',')) {
      this.fail(`${label}: shape [${actual?.shape.join(',') ?? 'missing'}] vs expected [${expected.shape.join(',')}]`);
      return;
    }
    for (let i = 0; i < expected.size; i++) this.value(`${label}[${i}]`, actual.data[i], expected.data[i]);
  }

  /** Compares one number. */
  value(label: string, actual: number, expected: number): void {
    const err = Math.abs(actual - expected);
    const ratio = err / Math.max(this.rtol * Math.abs(expected), this.atol);
    if (!(ratio <= this.worstRatio)) {
      this.worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
      this.worstText = `${label}: got ${actual}, expected ${expected} (${(err / Math.max(Math.abs(expected), 1e-300)).toExponential(2)} relative)`;
    }
  }

  private fail(text: string): void {
    this.worstRatio = Infinity;
    this.worstText = text;
  }

  /** The verdict for case `name`. */
  result(name: string): CaseResult {
    return { name, ok: this.worstRatio <= 1, detail: `worst ${this.worstText}` };
  }
}
