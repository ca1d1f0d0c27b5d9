import type { DType, Tensor } from '@tapestry/core';
import { DTypeError, ShapeError, ValueError, allocate, defaultFloat, formatShape, fromStorage } from '@tapestry/core';

/** LSTM gate blocks in PyTorch's order `i, f, g, o` (for {@link gateBias}). */
export const lstmGateNames = ['input', 'forget', 'cell', 'output'] as const;

/** GRU gate blocks in PyTorch's order `r, z, n` (for {@link gateBias}). */
export const gruGateNames = ['reset', 'update', 'new'] as const;

/** Options of {@link gateBias}. */
export interface GateBiasOptions {
  /** Element type (default `float32`; ignored when `base` is given, which keeps its own). */
  readonly dtype?: DType;
  /**
   * An existing bias `[G·H]` (e.g. from {@link pytorchRecurrentInit}) whose named gate
   * blocks are replaced; the other blocks keep its values. Default: zeros.
   */
  readonly base?: Tensor;
}

/**
 * A gate-stacked bias `[G·H]` with constant values in the named gate blocks, e.g. the
 * forget-gate bias of 1 that helps LSTMs remember early in training
 * (Jozefowicz et al., 2015). Gates are stacked in the order of `gates` (PyTorch's
 * `i, f, g, o` for {@link lstmGateNames}). Unnamed blocks are 0, or `base`'s values.
 *
 * No random numbers are drawn, so no `Rng` is taken. PyTorch layers add two biases
 * (`bias_ih` and `bias_hh`): set the block in one of them, or the effective value doubles.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { gateBias, lstmGateNames, pytorchRecurrentInit } from '@tapestry/layers';
 * const H = 32;
 * const biasIh = gateBias(H, lstmGateNames, { forget: 1 }); // [128]: rows 32..63 are 1
 * const biasHh = gateBias(H, lstmGateNames, { forget: 0 }, { base: pytorchRecurrentInit(new Rng(0), [4 * H], H) });
 * ```
 */
export function gateBias<G extends string>(
  hidden: number,
  gates: readonly G[],
  values: Partial<Record<G, number>>,
  options: GateBiasOptions = {},
): Tensor {
  if (!Number.isInteger(hidden) || hidden <= 0) throw new ValueError(`gateBias: hidden must be a positive integer, got ${hidden}`);
  if (gates.length === 0 || new Set(gates).size !== gates.length) throw new ValueError(`gateBias: gates must be distinct names, got [${gates.join(', ')}]`);
  const unknown = Object.keys(values).filter((name) => !gates.includes(name as G));
  if (unknown.length > 0) throw new ValueError(`gateBias: unknown gate(s) ${unknown.join(', ')}; gates are ${gates.join(', ')}`);
  const out = initialBias(hidden * gates.length, options);
  gates.forEach((gate, block) => {
    const value = values[gate];
    if (value !== undefined) out.fill(value, block * hidden, (block + 1) * hidden);
  });
  return fromStorage([hidden * gates.length], out);
}

function initialBias(size: number, { dtype = defaultFloat, base }: GateBiasOptions) {
  if (base === undefined) return allocate(dtype, size);
  if (base.rank !== 1 || base.size !== size) throw new ShapeError(`gateBias: base ${formatShape(base.shape)} must have shape [${size}]`);
  if (base.dtype === 'int32') throw new DTypeError('gateBias: base must be a float tensor, got int32');
  return base.data.slice();
}
