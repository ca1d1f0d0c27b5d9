import { vjp } from '../autograd/transforms.js';
import { stack, unstack } from '../ops/join.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LoopStep } from './loop.js';

/** The loop a compiled one stands for, run op by op (every op on the tape): `[carry…, ys…, exposed (time-major)…]`. */
export function eagerLoop(step: LoopStep, consts: Tensor[], carry0: Tensor[], xs: Tensor[], reverse: boolean): Tensor[] {
  const T = xs[0].shape[1];
  const slices = xs.map((x) => unstack(x, 1));
  const ys: Tensor[][] = [];
  const exposed: Tensor[][] = [];
  let carry = carry0;
  for (let i = 0; i < T; i++) {
    const t = reverse ? T - 1 - i : i;
    const out = step(consts, carry, slices.map((s) => s[t]));
    carry = out.carry;
    ys[t] = out.ys;
    exposed[t] = out.exposed ?? [];
  }
  const ny = ys[0].length;
  return [...carry, ...Array.from({ length: ny }, (_, k) => stack(ys.map((y) => y[k]), 1)), ...exposed.flat()];
}

/**
 * The backward of a compiled loop computed differentiably, for when an outer tape
 * records the backward pass (higher derivatives): the loop is re-run op by op and
 * pulled back, so the outer tape sees every op.
 */
export function eagerLoopVjp(
  step: LoopStep,
  inputs: readonly Tensor[],
  cts: readonly Tensor[],
  arity: { nc: number; nh: number },
  reverse: boolean,
): Tensor[] {
  const { nc, nh } = arity;
  const consts = inputs.slice(0, nc);
  const carry = inputs.slice(nc, nc + nh);
  const xs = inputs.slice(nc + nh);
  const [, pullback] = vjp((c: Tensor[], h: Tensor[], x: Tensor[]) => eagerLoop(step, c, h, x, reverse), consts, carry, xs);
  const [gc, gh, gx] = pullback([...cts]);
  return [...gc, ...gh, ...gx];
}
