import { registerDecomposition } from '@tapestry/core';
import { gruGatesComposed, gruGatesOp } from './fused/gru-gates.js';
import { lstmGatesComposed, lstmGatesOp } from './fused/lstm-gates.js';

/**
 * The fused gate ops save their activations for a hand-written backward, which a
 * data-free trace cannot do: a compiled scan records them as the same math composed
 * from elementary ops (the forms they are gradient-checked against), fuses that into
 * element-wise programs, and derives the backward from the elementary ops' rules.
 * Called by the cells that use the fused ops (registering twice is harmless).
 */
export function registerGateDecompositions(): void {
  registerDecomposition(lstmGatesOp.spec, ([gates, c]) => lstmGatesComposed(gates, c));
  registerDecomposition(gruGatesOp.spec, ([xg, hg, h]) => [gruGatesComposed(xg, hg, h)]);
}
