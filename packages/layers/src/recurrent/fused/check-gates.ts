import { DTypeError, ShapeError, formatShape, isFloat, type Tensor } from '@tapestry/core';

/**
 * Checks the operands of a fused gate op: every operand a float matrix of one dtype, the
 * carries `[B, H]` and the gate blocks `[B, blocks·H]`. Errors name the op and shapes.
 */
export function checkGateOperands(op: string, gates: readonly Tensor[], carry: Tensor, blocks: number): void {
  const all = [...gates, carry];
  const shapes = all.map((t) => formatShape(t.shape)).join(', ');
  for (const t of all) {
    if (t.rank !== 2) throw new ShapeError(`${op}: every operand must be a matrix, got shapes ${shapes}`);
    if (!isFloat(t.dtype) || t.dtype !== carry.dtype) {
      throw new DTypeError(`${op}: operands must share one float dtype, got ${all.map((x) => x.dtype).join(', ')}`);
    }
  }
  const [B, H] = carry.shape;
  for (const g of gates) {
    if (g.shape[0] !== B || g.shape[1] !== blocks * H) {
      throw new ShapeError(`${op}: gates must be [B, ${blocks}·H] = [${B}, ${blocks * H}] for a carry of ${formatShape(carry.shape)}, got shapes ${shapes}`);
    }
  }
}
