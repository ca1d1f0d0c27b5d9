import { checkGateOperands } from './check-gates.js';
import { add, allocate, defineOp, fromStorage, isRecording, mul, sigmoid, sliceAxis, sub, tanh, vjp, type Tensor } from '@tapestry/core';

/**
 * The GRU's element-wise math as one op, in PyTorch's formulation: with the input
 * part `xg = x W_ihᵀ + b_ih` and hidden part `hg = h W_hhᵀ + b_hh` (blocks r, z, n),
 * `r = σ(xr + hr)`, `z = σ(xz + hz)`, `n = tanh(xn + r ⊙ hn)`, `h' = (1 − z) ⊙ n + z ⊙ h`.
 * The reset gate multiplies the hidden product *including* its bias.
 */
export function gruGatesComposed(xg: Tensor, hg: Tensor, h: Tensor): Tensor {
  const H = h.shape[1];
  const part = (t: Tensor, k: number): Tensor => sliceAxis(t, 1, k * H, (k + 1) * H);
  const r = sigmoid(add(part(xg, 0), part(hg, 0)));
  const z = sigmoid(add(part(xg, 1), part(hg, 1)));
  const n = tanh(add(part(xg, 2), mul(r, part(hg, 2))));
  return add(mul(sub(1, z), n), mul(z, h));
}

function sigm(x: number): number {
  // Accurate in double precision for every x, without a branch (whose sign test the
  // CPU mispredicts half the time on gate values): exp(-x) overflows only where σ(x)
  // is below 1e-308, and 1 / (1 + ∞) = 0 there.
  return 1 / (1 + Math.exp(-x));
}

/** Saved: r, z, n and hn (the hidden n-block), each [B, H], in one buffer. */
function forward(xg: Tensor, hg: Tensor, h: Tensor): { outputs: Tensor[]; saved: Float64Array } {
  const [B, H] = h.shape;
  const x = xg.data, hh = hg.data, hd = h.data;
  const out = allocate(h.dtype, B * H);
  const act = new Float64Array(4 * B * H);
  for (let b = 0; b < B; b++) {
    const row = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const r = sigm(x[row + j] + hh[row + j]);
      const z = sigm(x[row + H + j] + hh[row + H + j]);
      const hn = hh[row + 2 * H + j];
      const n = Math.tanh(x[row + 2 * H + j] + r * hn);
      out[k] = (1 - z) * n + z * hd[k];
      const s = 4 * k;
      act[s] = r; act[s + 1] = z; act[s + 2] = n; act[s + 3] = hn;
    }
  }
  return { outputs: [fromStorage([B, H], out)], saved: act };
}

function backward(g: Tensor, h: Tensor, act: Float64Array): [Tensor, Tensor, Tensor] {
  const [B, H] = h.shape;
  const gd = g.data, hd = h.data;
  const dx = allocate(h.dtype, B * 3 * H), dhg = allocate(h.dtype, B * 3 * H), dh = allocate(h.dtype, B * H);
  for (let b = 0; b < B; b++) {
    const row = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j, s = 4 * k;
      const r = act[s], z = act[s + 1], n = act[s + 2], hn = act[s + 3];
      const gk = gd[k];
      const dan = gk * (1 - z) * (1 - n * n);
      const daz = gk * (hd[k] - n) * z * (1 - z);
      const dar = dan * hn * r * (1 - r);
      dx[row + j] = dar; dhg[row + j] = dar;
      dx[row + H + j] = daz; dhg[row + H + j] = daz;
      dx[row + 2 * H + j] = dan; dhg[row + 2 * H + j] = dan * r;
      dh[k] = gk * z;
    }
  }
  return [fromStorage([B, 3 * H], dx), fromStorage([B, 3 * H], dhg), fromStorage([B, H], dh)];
}

/** The fused GRU gate op (registered in core's op registry, gradient-checked like every op). */
export const gruGatesOp = defineOp<void>({
  name: 'gruGates',
  forward: ([xg, hg, h]) => forward(xg, hg, h),
  vjp: ([g], { inputs: [xg, hg, h], saved }) => {
    if (isRecording()) {
      const [, pullback] = vjp(gruGatesComposed, xg, hg, h);
      return pullback(g);
    }
    return backward(g, h, saved as Float64Array);
  },
});

/** Fused GRU gates: `(xg [B,3H], hg [B,3H], h [B,H]) → h'`; see {@link gruGatesComposed}. */
export function gruGates(xg: Tensor, hg: Tensor, h: Tensor): Tensor {
  checkGateOperands('gruGates', [xg, hg], h, 3);
  return gruGatesOp.run([xg, hg, h], undefined)[0];
}
