import { Tensor } from '@tapestry/core';

/**
 * The hidden state `h` of a carry: the carry itself when it is a tensor (RNN, GRU), or
 * its `h` field (LSTM's `{ h, c }`). Gradient-flow studies and sampling loops read `h`
 * from any built-in cell's carry with it.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * import { hiddenState, lstmCell, scan } from '@tapestry/layers';
 * const cell = lstmCell({ hiddenSize: 4 });
 * const rng = new Rng(0);
 * const { carry } = scan(cell, cell.init(rng, 2), rng.normal([3, 5, 2]));
 * hiddenState(carry).shape; // [3, 4]
 * ```
 */
export function hiddenState(carry: unknown): Tensor {
  if (carry instanceof Tensor) return carry;
  const h = typeof carry === 'object' && carry !== null ? (carry as { h?: unknown }).h : undefined;
  if (h instanceof Tensor) return h;
  throw new TypeError('hiddenState: the carry is neither a tensor nor an object with a tensor `h`');
}
