import { checkGateOperands } from './check-gates.js';
import { add, allocate, defineOp, fromStorage, isRecording, mul, sigmoid, sliceAxis, tanh, vjp, type Tensor } from '@tapestry/core';

/**
 * The LSTM's element-wise math as one op. Input: the pre-activation gates
 * `a = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh` `[B, 4H]` (blocks i, f, g, o, PyTorch's order) and
 * the cell state `c` `[B, H]`. Outputs: `h'` and `c'`.
 *
 * Forward and backward are single loops that save the activations; when an outer
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

function sigm(x: number): number {
  // Accurate in double precision for every x, without a branch (whose sign test the
  // CPU mispredicts half the time on gate values): exp(-x) overflows only where σ(x)
  // is below 1e-308, and 1 / (1 + ∞) = 0 there.
  return 1 / (1 + Math.exp(-x));
}

/** Saved activations: i, f, g, o and tanh(c'), each [B, H], in one buffer. */
function forward(gates: Tensor, c: Tensor): { outputs: Tensor[]; saved: Float64Array } {
  const [B, H] = c.shape;
  const a = gates.data, cd = c.data;
  const h = allocate(c.dtype, B * H), cn = allocate(c.dtype, B * H);
  const act = new Float64Array(5 * B * H);
  for (let b = 0; b < B; b++) {
    const row = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const ig = sigm(a[row + j]), fg = sigm(a[row + H + j]), gg = Math.tanh(a[row + 2 * H + j]), og = sigm(a[row + 3 * H + j]);
      const cv = fg * cd[k] + ig * gg;
      const tc = Math.tanh(cv);
      cn[k] = cv;
      h[k] = og * tc;
      const s = 5 * k;
      act[s] = ig; act[s + 1] = fg; act[s + 2] = gg; act[s + 3] = og; act[s + 4] = tc;
    }
  }
  return { outputs: [fromStorage([B, H], h), fromStorage([B, H], cn)], saved: act };
}

function backward(gh: Tensor, gc: Tensor, c: Tensor, act: Float64Array): [Tensor, Tensor] {
  const [B, H] = c.shape;
  const ghd = gh.data, gcd = gc.data, cd = c.data;
  const da = allocate(c.dtype, B * 4 * H), dc = allocate(c.dtype, B * H);
  for (let b = 0; b < B; b++) {
    const row = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j, s = 5 * k;
      const ig = act[s], fg = act[s + 1], gg = act[s + 2], og = act[s + 3], tc = act[s + 4];
      const dcn = gcd[k] + ghd[k] * og * (1 - tc * tc);
      da[row + j] = dcn * gg * ig * (1 - ig);
      da[row + H + j] = dcn * cd[k] * fg * (1 - fg);
      da[row + 2 * H + j] = dcn * ig * (1 - gg * gg);
      da[row + 3 * H + j] = ghd[k] * tc * og * (1 - og);
      dc[k] = dcn * fg;
    }
  }
  return [fromStorage([B, 4 * H], da), fromStorage([B, H], dc)];
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
    return backward(gh, gc, c, saved as Float64Array);
  },
});

/** Fused LSTM gates: `(a [B,4H], c [B,H]) → [h', c']`; see {@link lstmGatesComposed} for the math. */
export function lstmGates(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  checkGateOperands('lstmGates', [gates], c, 4);
  const [h, cn] = lstmGatesOp.run([gates, c], undefined);
  return [h, cn];
}
