import { allocate, backend, fromStorage, type DType, type Tensor } from '@tapestry/core';

// The gate ops run as element-wise programs over [B, H] operands, but the pre-activations
// arrive as [B, k·H] with the k gate blocks side by side (PyTorch's layout). These move
// between the two layouts: with B = 1 the blocks are contiguous and become views (no copy);
// otherwise the backend's slice/concat kernels copy them.

/** The `blocks` column blocks of `t` ([B, blocks·H]), each [B, H]. */
export function splitBlocks(t: Tensor, blocks: number): Tensor[] {
  const [B, width] = t.shape;
  const H = width / blocks;
  return Array.from({ length: blocks }, (_, k) =>
    B === 1 ? fromStorage([1, H], t.data.subarray(k * H, (k + 1) * H)) : backend().slice(t, [0, k * H], [B, H]),
  );
}

/**
 * Storage for `size` elements that a kernel is about to write in full: the backend's
 * uninitialised storage where it has some (no zero fill a kernel would overwrite), else
 * zeroed storage.
 */
function outputStorage(dtype: DType, size: number) {
  return backend().storage?.(dtype, size) ?? allocate(dtype, size);
}

/** Fresh [B, H] outputs for the blocks of a [B, blocks·H] result, and how to join them. */
export function blockOutputs(dtype: DType, B: number, H: number, blocks: number): { parts: Tensor[]; join: () => Tensor } {
  if (B === 1) {
    const whole = fromStorage([1, blocks * H], outputStorage(dtype, blocks * H));
    const parts = Array.from({ length: blocks }, (_, k) => fromStorage([1, H], whole.data.subarray(k * H, (k + 1) * H)));
    return { parts, join: () => whole };
  }
  const parts = Array.from({ length: blocks }, () => fromStorage([B, H], outputStorage(dtype, B * H)));
  return { parts, join: () => backend().concat(parts, 1) };
}

/** A fresh [B, H] tensor of `dtype`, for a kernel that writes every element. */
export function fresh(dtype: DType, B: number, H: number): Tensor {
  return fromStorage([B, H], outputStorage(dtype, B * H));
}
