import { backend } from '../backend/current.js';
import { insideTapeScope } from '../autograd/tape.js';
import { activeTrace } from '../compile/trace-state.js';
import { TapestryError } from '../errors.js';
import { leaves } from '../tree/tree.js';
import { disposedTensors } from './refuse-disposed.js';

/**
 * Releases the tensors of `tree` now instead of when the garbage collector finds them,
 * as `Tensor.dispose()` does in TensorFlow.js and dropping the last reference does in
 * PyTorch. A JavaScript engine frees a tensor's storage only at a collection, and a
 * backend whose storage lives outside the JavaScript heap (the native one) can only
 * reuse a block once it is back: in a loop that makes one large tensor per iteration and
 * drops it, disposing it hands the same block, still in cache, to the next iteration.
 *
 * Afterwards a disposed tensor is refused — by every op, `jit`, the reverse sweep,
 * `item`, `toArray` — with a {@link DisposedError}. Where the current backend frees the
 * storage at once (see `Backend.release`), every tensor sharing it (a reshape of it) is
 * disposed too and its `data` is empty; elsewhere only the given tensors are marked and
 * their storage is left to the collector. Storage a backend did not allocate (an array
 * passed to `fromStorage`) is never freed.
 *
 * Dispose only outside `grad`, `valueAndGrad`, `vjp` and `record`: a tape may still read
 * the tensor, so disposing inside one throws. Disposing twice is harmless.
 *
 * @example
 * ```ts
 * import { dispose, matmul, Rng } from '@tapestry/core';
 * const rng = new Rng(0);
 * const a = rng.normal([256, 256]), b = rng.normal([256, 256]);
 * for (let i = 0; i < 10; i++) {
 *   const c = matmul(a, b);
 *   // … read c …
 *   dispose(c); // its block is reused by the next product
 * }
 * ```
 */
export function dispose(tree: unknown): void {
  if (activeTrace() !== undefined) throw new TapestryError('dispose: cannot release tensors while a function is being traced (jit, a compiled step)');
  if (insideTapeScope()) throw new TapestryError('dispose: a recording transform (grad, valueAndGrad, vjp, record) is running and its tape may still read these tensors; dispose after it returns');
  const current = backend();
  for (const t of leaves(tree)) {
    if (t.isDisposed) continue;
    disposedTensors.add(t);
    if (t.size > 0) current.release?.(t.data);
  }
}
