import type { DType, Rng, Tensor } from '@tapestry/core';
import { DTypeError, ShapeError, ValueError, defaultFloat, equal, formatShape, fromStorage, gather, isTracing, stopGradient, unsqueeze, where } from '@tapestry/core';
import type { Initializer } from '../init/initializer.js';
import { normalInit } from '../init/normal.js';

/** Parameters of {@link embedding}: PyTorch's name, so a model's path reads `embed.weight`. */
export interface EmbeddingParams {
  /** `[numEmbeddings, embeddingDim]`: row `i` is the vector of index `i`. */
  readonly weight: Tensor;
}

/** Options of {@link embedding}`.init`. */
export interface EmbeddingInitOptions {
  /** Element type (default `float32`). */
  readonly dtype?: DType;
  /** Index whose row starts at zero (negative counts from the end, as in PyTorch). */
  readonly paddingIdx?: number;
  /** Initializer of the table (default PyTorch's: N(0, 1)). */
  readonly init?: Initializer;
}

/** Options of {@link embedding}`.apply`. */
export interface EmbeddingApplyOptions {
  /** Index whose row gets no gradient (its looked-up value is still the row). */
  readonly paddingIdx?: number;
}

function resolvePadding(fn: string, paddingIdx: number | undefined, rows: number): number | undefined {
  if (paddingIdx === undefined) return undefined;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
    throw new ValueError(`${fn}: paddingIdx must be an integer in [-${rows}, ${rows}), got ${paddingIdx}`);
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

function init(rng: Rng, numEmbeddings: number, embeddingDim: number, options: EmbeddingInitOptions = {}): EmbeddingParams {
  for (const [name, n] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(`embedding.init: ${name} must be a positive integer, got ${n}`);
  }
  const { dtype = defaultFloat } = options;
  const padding = resolvePadding('embedding.init', options.paddingIdx, numEmbeddings);
  const draw = options.init ?? ((r, s, d) => normalInit(r, s, { dtype: d }));
  const weight = draw(rng, [numEmbeddings, embeddingDim], dtype);
  if (padding === undefined) return { weight };
  // A copy: a custom initializer may hand out a tensor that is shared elsewhere.
  const data = weight.data.slice();
  data.fill(0, padding * embeddingDim, (padding + 1) * embeddingDim);
  return { weight: fromStorage(weight.shape, data) };
}

function checkIndices(weight: Tensor, indices: Tensor): void {
  if (weight.rank !== 2) throw new ShapeError(`embedding: weight must be [numEmbeddings, embeddingDim], got ${formatShape(weight.shape)}`);
  if (indices.dtype !== 'int32') throw new DTypeError(`embedding: indices must be int32, got ${indices.dtype}`);
  // Inside a trace (a jitted function) there are no values: gather checks them when the plan runs.
  if (isTracing()) return;
  const rows = weight.shape[0];
  const data = indices.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0 || data[i] >= rows) throw new ValueError(`embedding: index ${data[i]} at position ${i} is out of range [0, ${rows})`);
  }
}

function apply(params: EmbeddingParams, indices: Tensor, options: EmbeddingApplyOptions = {}): Tensor {
  checkIndices(params.weight, indices);
  const rows = gather(params.weight, indices, 0);
  const padding = resolvePadding('embedding', options.paddingIdx, params.weight.shape[0]);
  if (padding === undefined) return rows;
  // Same values either way; only the padding positions read a constant copy, so the
  // scatter-add of the backward pass adds exact zeros into the padding row.
  const isPadding = unsqueeze(equal(indices, padding), -1);
  return where(isPadding, stopGradient(rows), rows);
}

/**
 * A lookup table: integer indices of any shape `[...]` → vectors `[..., embeddingDim]`
 * (a gather of rows; the gradient is a scatter-add into the table). With `paddingIdx`,
 * that row starts at zero (`init`) and receives no gradient (`apply`), as in PyTorch.
 *
 * @example
 * ```ts
 * import { Rng, tensor } from '@tapestry/core';
 * import { embedding } from '@tapestry/layers';
 * const params = embedding.init(new Rng(0), 100, 32, { paddingIdx: 0 });
 * const tokens = tensor([[5, 7, 0]], { dtype: 'int32' });
 * const vectors = embedding.apply(params, tokens, { paddingIdx: 0 }); // [1, 3, 32]
 * ```
 */
export const embedding = {
  /** Parameters `{ weight [numEmbeddings, embeddingDim] }`, N(0, 1) with a zero padding row. */
  init,
  /** The rows of `weight` at `indices` (int32, each in `[0, numEmbeddings)`). */
  apply,
} as const;
