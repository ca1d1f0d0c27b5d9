/**
 * The built-in cells, instrumented for the gate histograms. Their fused gate ops do not
 * expose the gates, so while a probe runs each step recomputes them from the same
 * pre-activations (PyTorch's gate order: LSTM i, f, g, o; GRU r, z, n) — outside
 * training, under `noGrad`, with the parameters the step itself uses.
 */
import { add, matmul, mul, sigmoid, sliceAxis, tanh, type Tensor } from '@tapestry/core';
import { gruCell, lstmCell, rnnCell, type Cell, type GateParams, type LstmCarry } from '@tapestry/layers';
import type { ActivationProbe } from './probe.js';

/** A built-in cell's name. */
export type BuiltinKind = 'rnn' | 'lstm' | 'gru';

const hh = (h: Tensor, w: Tensor): Tensor => matmul(h, w, { transB: true });

/** The built-in cell `kind` of hidden size `H`, reporting its gates to `probe`. */
export function builtinCell(kind: BuiltinKind, H: number, probe: ActivationProbe): Cell<unknown, unknown> {
  const gate = (a: Tensor, k: number): Tensor => sliceAxis(a, 1, k * H, (k + 1) * H);
  switch (kind) {
    case 'rnn': {
      const cell = rnnCell({ hiddenSize: H });
      const step: typeof cell.step = (p, h, x) => {
        const [next, out] = cell.step(p, h, x);
        probe.observe('tanh', next, 'h = tanh(·)');
        return [next, out];
      };
      return { ...cell, step } as Cell<unknown, unknown>;
    }
    case 'lstm': {
      const cell = lstmCell({ hiddenSize: H });
      const step = (p: GateParams, carry: LstmCarry, x: Tensor): [LstmCarry, Tensor] => {
        const a = add(x, hh(carry.h, p.weight_hh)); // x already holds x·W_ihᵀ + both biases
        probe.observe('sigmoid', sigmoid(gate(a, 0)), 'input i');
        probe.observe('sigmoid', sigmoid(gate(a, 1)), 'forget f');
        probe.observe('tanh', tanh(gate(a, 2)), 'candidate g');
        probe.observe('sigmoid', sigmoid(gate(a, 3)), 'output o');
        return cell.step(p, carry, x);
      };
      return { ...cell, step: probed(probe, step, cell.step) } as Cell<unknown, unknown>;
    }
    case 'gru': {
      const cell = gruCell({ hiddenSize: H });
      const step = (p: GateParams, h: Tensor, x: Tensor): [Tensor, Tensor] => {
        const rh = add(hh(h, p.weight_hh), p.bias_hh); // x holds x·W_ihᵀ + b_ih
        const pre = add(x, rh); // the r and z gates' pre-activations
        const reset = sigmoid(gate(pre, 0));
        probe.observe('sigmoid', reset, 'reset r');
        probe.observe('sigmoid', sigmoid(gate(pre, 1)), 'update z');
        probe.observe('tanh', tanh(add(gate(x, 2), mul(reset, gate(rh, 2)))), 'new n');
        return cell.step(p, h, x);
      };
      return { ...cell, step: probed(probe, step, cell.step) } as Cell<unknown, unknown>;
    }
  }
}

/** The probing step while a probe records (it costs extra products), the plain one otherwise. */
function probed<P, C>(probe: ActivationProbe, probing: (p: P, c: C, x: Tensor) => [C, Tensor], plain: (p: P, c: C, x: Tensor) => [C, Tensor]) {
  return (p: P, c: C, x: Tensor): [C, Tensor] => (probe.recording ? probing(p, c, x) : plain(p, c, x));
}
