import { checkGateOperands } from './check-gates.js';
import { add, allocate, backend, defineOp, fromStorage, jsBackend, isRecording, mul, sigmoid, sliceAxis, tanh, vjp, type ElementwiseProgram, type Tensor } from '@tapestry/core';
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
function forwardByProgram(gates: Tensor, c: Tensor): { outputs: Tensor[]; saved: Tensor[] } {
  const [B, H] = c.shape;
  const h = fresh(c.dtype, B, H), cn = fresh(c.dtype, B, H);
  const saved = Array.from({ length: 5 }, () => fresh('float64', B, H));
  backend().elementwise(forwardProgram, [...splitBlocks(gates, 4), c], [h, cn, ...saved]);
  return { outputs: [h, cn], saved };
}

function backwardByProgram(gh: Tensor, gc: Tensor, c: Tensor, saved: Tensor[]): [Tensor, Tensor] {
  const [B, H] = c.shape;
  const da = blockOutputs(c.dtype, B, H, 4);
  const dc = fresh(c.dtype, B, H);
  backend().elementwise(backwardProgram, [gh, gc, c, ...saved], [...da.parts, dc]);
  return [da.join(), dc];
}

function sigm(x: number): number {
  // Accurate in double precision for every x, without a branch (whose sign test the
  // CPU mispredicts half the time on gate values): exp(-x) overflows only where σ(x)
  // is below 1e-308, and 1 / (1 + ∞) = 0 there.
  return 1 / (1 + Math.exp(-x));
}

/** Saved activations: i, f, g, o and tanh(c'), each [B, H], in one buffer. */
function forwardLoop(gates: Tensor, c: Tensor): { outputs: Tensor[]; saved: Float64Array } {
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

function backwardLoop(gh: Tensor, gc: Tensor, c: Tensor, act: Float64Array): [Tensor, Tensor] {
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

// The TypeScript kernels run the hand-written loops above (a program interpreted in
// TypeScript measured 1.4–1.8× slower there); any other backend gets the programs, which
// its own element-wise kernel runs (2× faster on the native backend at B = 32, H = 128).
const usesTypeScriptKernels = (): boolean => backend().elementwise === jsBackend.elementwise;

/** The fused LSTM gate op (registered in core's op registry, gradient-checked like every op). */
export const lstmGatesOp = defineOp<void>({
  name: 'lstmGates',
  forward: ([gates, c]) => (usesTypeScriptKernels() ? forwardLoop(gates, c) : forwardByProgram(gates, c)),
  vjp: ([gh, gc], { inputs: [gates, c], saved }) => {
    if (isRecording()) {
      const [, pullback] = vjp(lstmGatesComposed, gates, c);
      return pullback([gh, gc]);
    }
    return saved instanceof Float64Array ? backwardLoop(gh, gc, c, saved) : backwardByProgram(gh, gc, c, saved as Tensor[]);
  },
});

/** Fused LSTM gates: `(a [B,4H], c [B,H]) → [h', c']`; see {@link lstmGatesComposed} for the math. */
export function lstmGates(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  checkGateOperands('lstmGates', [gates], c, 4);
  const [h, cn] = lstmGatesOp.run([gates, c], undefined);
  return [h, cn];
}
