import { checkGateOperands } from './check-gates.js';
import { add, allocate, backend, defineOp, fromStorage, jsBackend, isRecording, mul, sigmoid, sliceAxis, sub, tanh, vjp, type ElementwiseProgram, type Tensor } from '@tapestry/core';
import { blockOutputs, fresh, splitBlocks } from './gate-blocks.js';

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

const u = (kind: 'sigmoid' | 'tanh', x: number) => ({ op: 'unary', kind, x }) as const;
const b = (kind: 'add' | 'sub' | 'mul', a: number, bb: number) => ({ op: 'binary', kind, a, b: bb }) as const;

/**
 * Forward: inputs x_r, x_z, x_n, h_r, h_z, h_n, h (0–6); outputs h' and the saved r, z, n.
 * Each value is computed as the former hand-written loop did (in double, same order of
 * operations), so the TypeScript backend's results are unchanged.
 */
const forwardProgram: ElementwiseProgram = {
  inputs: 7,
  instructions: [
    b('add', 0, 3), //   7
    u('sigmoid', 7), //  8  r
    b('add', 1, 4), //   9
    u('sigmoid', 9), //  10 z
    b('mul', 8, 5), //   11 r·h_n
    b('add', 2, 11), //  12
    u('tanh', 12), //    13 n
    { op: 'constant', value: 1 }, // 14
    b('sub', 14, 10), // 15 1 − z
    b('mul', 15, 13), // 16
    b('mul', 10, 6), //  17 z·h
    b('add', 16, 17), // 18 h'
  ],
  outputs: [18, 8, 10, 13],
};

/**
 * Backward: inputs g, h, r, z, n, h_n (0–5); outputs the gradients of the three input
 * blocks, of the three hidden blocks, and of h.
 */
const backwardProgram: ElementwiseProgram = {
  inputs: 6,
  instructions: [
    { op: 'constant', value: 1 }, // 6
    b('sub', 6, 3), //   7  1 − z
    b('mul', 0, 7), //   8
    b('mul', 4, 4), //   9  n²
    b('sub', 6, 9), //   10
    b('mul', 8, 10), //  11 da_n
    b('sub', 1, 4), //   12 h − n
    b('mul', 0, 12), //  13
    b('mul', 13, 3), //  14
    b('mul', 14, 7), //  15 da_z
    b('mul', 11, 5), //  16 da_n·h_n
    b('mul', 16, 2), //  17 ·r
    b('sub', 6, 2), //   18 1 − r
    b('mul', 17, 18), // 19 da_r
    b('mul', 11, 2), //  20 da_n·r
    b('mul', 0, 3), //   21 dh = g·z
  ],
  outputs: [19, 15, 11, 19, 15, 20, 21],
};

/** Saved: r, z, n (float64) and h_n (the hidden n-block), each [B, H]. */
function forwardByProgram(xg: Tensor, hg: Tensor, h: Tensor): { outputs: Tensor[]; saved: Tensor[] } {
  const [B, H] = h.shape;
  const out = fresh(h.dtype, B, H);
  const saved = Array.from({ length: 3 }, () => fresh('float64', B, H));
  const hBlocks = splitBlocks(hg, 3);
  backend().elementwise(forwardProgram, [...splitBlocks(xg, 3), ...hBlocks, h], [out, ...saved]);
  return { outputs: [out], saved: [...saved, hBlocks[2]] };
}

function backwardByProgram(g: Tensor, h: Tensor, saved: Tensor[]): [Tensor, Tensor, Tensor] {
  const [B, H] = h.shape;
  const dx = blockOutputs(h.dtype, B, H, 3), dhg = blockOutputs(h.dtype, B, H, 3);
  const dh = fresh(h.dtype, B, H);
  backend().elementwise(backwardProgram, [g, h, ...saved], [...dx.parts, ...dhg.parts, dh]);
  return [dx.join(), dhg.join(), dh];
}

function sigm(x: number): number {
  // Accurate in double precision for every x, without a branch (whose sign test the
  // CPU mispredicts half the time on gate values): exp(-x) overflows only where σ(x)
  // is below 1e-308, and 1 / (1 + ∞) = 0 there.
  return 1 / (1 + Math.exp(-x));
}

/** Saved: r, z, n and hn (the hidden n-block), each [B, H], in one buffer. */
function forwardLoop(xg: Tensor, hg: Tensor, h: Tensor): { outputs: Tensor[]; saved: Float64Array } {
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

function backwardLoop(g: Tensor, h: Tensor, act: Float64Array): [Tensor, Tensor, Tensor] {
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

// The TypeScript kernels run the hand-written loops above (a program interpreted in
// TypeScript measured 1.4–1.8× slower there); any other backend gets the programs, which
// its own element-wise kernel runs (2× faster on the native backend at B = 32, H = 128).
const usesTypeScriptKernels = (): boolean => backend().elementwise === jsBackend.elementwise;

/** The fused GRU gate op (registered in core's op registry, gradient-checked like every op). */
export const gruGatesOp = defineOp<void>({
  name: 'gruGates',
  forward: ([xg, hg, h]) => (usesTypeScriptKernels() ? forwardLoop(xg, hg, h) : forwardByProgram(xg, hg, h)),
  vjp: ([g], { inputs: [xg, hg, h], saved }) => {
    if (isRecording()) {
      const [, pullback] = vjp(gruGatesComposed, xg, hg, h);
      return pullback(g);
    }
    return saved instanceof Float64Array ? backwardLoop(g, h, saved) : backwardByProgram(g, h, saved as Tensor[]);
  },
});

/** Fused GRU gates: `(xg [B,3H], hg [B,3H], h [B,H]) → h'`; see {@link gruGatesComposed}. */
export function gruGates(xg: Tensor, hg: Tensor, h: Tensor): Tensor {
  checkGateOperands('gruGates', [xg, hg], h, 3);
  return gruGatesOp.run([xg, hg, h], undefined)[0];
}
