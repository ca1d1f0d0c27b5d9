/**
 * Choosing a recurrent layer by name: the three PyTorch-layout modules of
 * `@tapestry/layers` behind one switch, so every task can take `--cell rnn|lstm|gru`.
 */
import { gruCell, lstmCell, recurrentKinds, rnnCell, type Cell, type GateParams, type RecurrentKind } from '@tapestry/layers';
import { fromStorage, type Tensor } from '@tapestry/core';

/** The built-in cells (the flags' `--cell` choices). */
export const cellKinds = recurrentKinds;

/** A built-in cell's name. */
export type CellKind = RecurrentKind;

/** The `torch.nn.RNN/LSTM/GRU`-style module for a kind (batch first). */
export { recurrentModule } from '@tapestry/layers';

/** The bare cell for `kind`, for `scan` (e.g. to record every step's hidden state). */
export function builtinCell(kind: CellKind, hiddenSize: number): Cell<unknown, unknown> {
  switch (kind) {
    case 'rnn':
      return rnnCell({ hiddenSize }) as Cell<unknown, unknown>;
    case 'lstm':
      return lstmCell({ hiddenSize }) as Cell<unknown, unknown>;
    case 'gru':
      return gruCell({ hiddenSize }) as Cell<unknown, unknown>;
  }
}

/**
 * LSTM parameters whose forget gate starts with bias `value` (gate order i, f, g, o):
 * `bias_ih` gets `value` and `bias_hh` 0 on the forget rows, so their sum is `value`.
 * A forget bias of 1 keeps memory open at initialisation (Jozefowicz et al. 2015).
 */
export function withForgetBias(p: GateParams, hidden: number, value: number): GateParams {
  const set = (t: Tensor, v: number): Tensor => {
    const data = t.data.slice();
    data.fill(v, hidden, 2 * hidden);
    return fromStorage(t.shape, data);
  };
  return { ...p, bias_ih: set(p.bias_ih, value), bias_hh: set(p.bias_hh, 0) };
}
