import { DisposedError } from '../errors.js';
import type { Tensor } from './tensor.js';
import { formatShape } from './shape.js';

/** The tensors `dispose` was given (a tensor whose storage was freed also has empty `data`). */
export const disposedTensors = new WeakSet<Tensor>();

/** Throws a {@link DisposedError} naming `where` when `t` was disposed (see `dispose`). */
export function refuseDisposed(where: string, t: Tensor): void {
  if (t.isDisposed) throw new DisposedError(`${where}: tensor #${t.id} (${t.dtype} ${formatShape(t.shape)}) was disposed`);
}

/** Throws for the first disposed tensor of `ts`. */
export function refuseAnyDisposed(where: string, ts: readonly Tensor[]): void {
  for (let i = 0; i < ts.length; i++) if (ts[i].isDisposed) refuseDisposed(where, ts[i]);
}
