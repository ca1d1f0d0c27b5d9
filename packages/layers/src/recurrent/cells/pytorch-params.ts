import { DTypeError, ShapeError, add, formatShape, matmul, reshape, shapesEqual, type DType, type Rng, type Tensor } from '@tapestry/core';

/**
 * The parameters of one PyTorch-layout recurrent cell: `G` gate blocks of `H` rows
 * stacked along the first axis, applied as `x Wᵀ`, with two bias vectors.
 */
export interface GateParams {
  /** `[G·H, inputSize]` */
  weight_ih: Tensor;
  /** `[G·H, H]` */
  weight_hh: Tensor;
  /** `[G·H]` */
  bias_ih: Tensor;
  /** `[G·H]` */
  bias_hh: Tensor;
}

/** PyTorch's default: every weight and bias uniform in ±1/√H. */
export function initGateParams(rng: Rng, inputSize: number, hiddenSize: number, gates: number, dtype: DType = 'float32'): GateParams {
  const k = 1 / Math.sqrt(hiddenSize);
  const u = (shape: number[]): Tensor => rng.uniform(shape, { low: -k, high: k, dtype });
  return {
    weight_ih: u([gates * hiddenSize, inputSize]),
    weight_hh: u([gates * hiddenSize, hiddenSize]),
    bias_ih: u([gates * hiddenSize]),
    bias_hh: u([gates * hiddenSize]),
  };
}

/**
 * The input projection of all time steps in one matrix product:
 * `xs [B, T, F] → xs W_ihᵀ + bias [B, T, G·H]`.
 */
export function projectInputs(xs: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const [B, T, F] = xs.shape;
  const flat = matmul(reshape(xs, [B * T, F]), weight, { transB: true });
  return reshape(add(flat, bias), [B, T, weight.shape[0]]);
}

/** `h W_hhᵀ`: the recurrent product of one step. */
export function recurrentProduct(h: Tensor, weight: Tensor): Tensor {
  return matmul(h, weight, { transB: true });
}

/**
 * Checks a cell's parameters against PyTorch's layout for `gates` gate blocks of
 * `hiddenSize` rows, and that all four share one dtype. A bias of shape `[1]` would
 * otherwise broadcast silently over every gate. Throws a ShapeError (DTypeError) naming
 * the cell, the parameter and both shapes.
 */
export function checkGateParams(cell: string, p: GateParams, gates: number, hiddenSize: number): void {
  const rows = gates * hiddenSize;
  const want: Record<keyof GateParams, (s: readonly number[]) => boolean> = {
    weight_ih: (s) => s.length === 2 && s[0] === rows,
    weight_hh: (s) => shapesEqual(s, [rows, hiddenSize]),
    bias_ih: (s) => shapesEqual(s, [rows]),
    bias_hh: (s) => shapesEqual(s, [rows]),
  };
  const expected: Record<keyof GateParams, string> = { weight_ih: `[${rows}, inputSize]`, weight_hh: `[${rows},${hiddenSize}]`, bias_ih: `[${rows}]`, bias_hh: `[${rows}]` };
  for (const key of Object.keys(want) as (keyof GateParams)[]) {
    const t = p[key];
    if (t === undefined || !want[key](t.shape)) {
      throw new ShapeError(`${cell}: ${key} must have shape ${expected[key]} (${gates} gates × hiddenSize ${hiddenSize}), got ${t === undefined ? 'nothing' : formatShape(t.shape)}`);
    }
    if (t.dtype !== p.weight_ih.dtype) throw new DTypeError(`${cell}: ${key} is ${t.dtype} but weight_ih is ${p.weight_ih.dtype}; the parameters must share one dtype`);
  }
}
