import { checkGateOperands } from './check-gates.js';
import { add, backend, defineOp, isRecording, mul, sigmoid, sliceAxis, tanh, vjp, type ElementwiseProgram, type Tensor } from '@tapestry/core';
import { blockOutputs, fresh, splitBlocks } from './gate-blocks.js';

/**
 * The LSTM's element-wise math as one op. Input: the pre-activation gates
 * `a = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh` `[B, 4H]` (blocks i, f, g, o, PyTorch's order) and
 * the cell state `c` `[B, H]`. Outputs: `h'` and `c'`.
 *
 * Forward and backward are element-wise programs run by the backend (one vectorised
 * pass each on the native backend) that save the activations; when an outer
 * tape is recording (a gradient of a gradient), the backward rule instead
 * differentiates {@link lstmGatesComposed}, so higher derivatives stay exact.
 */
export function lstmGatesComposed(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  const H = c.shape[1];
  const i = sigmoid(sliceAxis(gates, 1, 0, H));
  const f = sigmoid(sliceAxis(gates, 1, H, 2 * H));
  const g = tanh(sliceAxis(gates, 1, 2 * H, 3 * H));
  const o = sigmoid(sliceAxis(gates, 1, 3 * H, 4 * H));
  const cNext = add(mul(f, c), mul(i, g));
  return [mul(o, tanh(cNext)), cNext];
}

// Registers: the inputs, then one per instruction (see ElementwiseProgram).
const u = (kind: 'sigmoid' | 'tanh', x: number) => ({ op: 'unary', kind, x }) as const;
const b = (kind: 'add' | 'sub' | 'mul', a: number, bb: number) => ({ op: 'binary', kind, a, b: bb }) as const;

/**
 * Forward: inputs a_i, a_f, a_g, a_o, c (0–4); outputs h', c' and the saved activations
 * i, f, g, o, tanh(c'). Each value is computed as the former hand-written loop did (in
 * double, same order of operations), so the TypeScript backend's results are unchanged.
 */
const forwardProgram: ElementwiseProgram = {
  inputs: 5,
  instructions: [
    u('sigmoid', 0), // 5  i
    u('sigmoid', 1), // 6  f
    u('tanh', 2), //    7  g
    u('sigmoid', 3), // 8  o
    b('mul', 6, 4), //  9  f·c
    b('mul', 5, 7), //  10 i·g
    b('add', 9, 10), // 11 c'
    u('tanh', 11), //   12 tanh(c')
    b('mul', 8, 12), // 13 h'
  ],
  outputs: [13, 11, 5, 6, 7, 8, 12],
};

/**
 * Backward: inputs gh, gc, c, i, f, g, o, tanh(c') (0–7); outputs the gradients of the
 * four gate blocks and of c. dc' = gc + gh·o·(1 − tanh²c').
 */
const backwardProgram: ElementwiseProgram = {
  inputs: 8,
  instructions: [
    b('mul', 7, 7), //   8  tanh²c'
    { op: 'constant', value: 1 }, // 9
    b('sub', 9, 8), //   10 1 − tanh²c'
    b('mul', 0, 6), //   11 gh·o
    b('mul', 11, 10), // 12
    b('add', 1, 12), //  13 dc'
    b('mul', 13, 5), //  14 dc'·g
    b('mul', 14, 3), //  15 ·i
    b('sub', 9, 3), //   16 1 − i
    b('mul', 15, 16), // 17 da_i
    b('mul', 13, 2), //  18 dc'·c
    b('mul', 18, 4), //  19 ·f
    b('sub', 9, 4), //   20 1 − f
    b('mul', 19, 20), // 21 da_f
    b('mul', 13, 3), //  22 dc'·i
    b('mul', 5, 5), //   23 g²
    b('sub', 9, 23), //  24 1 − g²
    b('mul', 22, 24), // 25 da_g
    b('mul', 0, 7), //   26 gh·tanh(c')
    b('mul', 26, 6), //  27 ·o
    b('sub', 9, 6), //   28 1 − o
    b('mul', 27, 28), // 29 da_o
    b('mul', 13, 4), //  30 dc = dc'·f
  ],
  outputs: [17, 21, 25, 29, 30],
};

/** Saved activations: i, f, g, o and tanh(c'), each [B, H] in float64. */
function forward(gates: Tensor, c: Tensor): { outputs: Tensor[]; saved: Tensor[] } {
  const [B, H] = c.shape;
  const h = fresh(c.dtype, B, H), cn = fresh(c.dtype, B, H);
  const saved = Array.from({ length: 5 }, () => fresh('float64', B, H));
  backend().elementwise(forwardProgram, [...splitBlocks(gates, 4), c], [h, cn, ...saved]);
  return { outputs: [h, cn], saved };
}

function backward(gh: Tensor, gc: Tensor, c: Tensor, saved: Tensor[]): [Tensor, Tensor] {
  const [B, H] = c.shape;
  const da = blockOutputs(c.dtype, B, H, 4);
  const dc = fresh(c.dtype, B, H);
  backend().elementwise(backwardProgram, [gh, gc, c, ...saved], [...da.parts, dc]);
  return [da.join(), dc];
}

/** The fused LSTM gate op (registered in core's op registry, gradient-checked like every op). */
export const lstmGatesOp = defineOp<void>({
  name: 'lstmGates',
  forward: ([gates, c]) => forward(gates, c),
  vjp: ([gh, gc], { inputs: [gates, c], saved }) => {
    if (isRecording()) {
      const [, pullback] = vjp(lstmGatesComposed, gates, c);
      return pullback([gh, gc]);
    }
    return backward(gh, gc, c, saved as Tensor[]);
  },
});

/** Fused LSTM gates: `(a [B,4H], c [B,H]) → [h', c']`; see {@link lstmGatesComposed} for the math. */
export function lstmGates(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  checkGateOperands('lstmGates', [gates], c, 4);
  const [h, cn] = lstmGatesOp.run([gates, c], undefined);
  return [h, cn];
}
