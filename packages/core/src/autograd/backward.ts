import { ShapeError } from '../errors.js';
import { add } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { isFloat } from '../tensor/dtype.js';
import { zerosLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFinite, setBackwardContext } from './anomaly.js';
import type { Tape } from './tape.js';

/**
 * Sums a cotangent of a broadcast shape back to the shape of the input it belongs to.
 * This is the one place broadcasting is undone; no backward rule does it itself.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const summed = sum(g, axes, true);
  if (summed.size !== shape.reduce((n, d) => n * d, 1)) {
    throw new ShapeError(`backward: cotangent ${formatShape(g.shape)} does not reduce to ${formatShape(shape)}`);
  }
  return reshape(summed, shape);
}

/**
 * The reverse sweep. Seeds `roots` with `seeds`, walks the tape backwards calling
 * each entry's vjp, and accumulates cotangents per tensor. Returns the cotangent of
 * each tensor in `wrt` (zeros for one the roots do not depend on).
 *
 * The tape is paused while it sweeps, so its own vjp ops are not appended to it; any
 * outer tape records them, which makes the result differentiable again.
 */
export function backward(tape: Tape, roots: readonly Tensor[], seeds: readonly Tensor[], wrt: readonly Tensor[]): Tensor[] {
  const cotangents = new Map<number, Tensor>();
  const keep = new Set<number>(wrt.map((t) => t.id));
  const accumulate = (t: Tensor, g: Tensor): void => {
    const prev = cotangents.get(t.id);
    cotangents.set(t.id, prev === undefined ? g : add(prev, g));
  };
  roots.forEach((r, i) => accumulate(r, seeds[i]));
  const wasPaused = tape.paused;
  tape.paused = true;
  try {
    for (let e = tape.entries.length - 1; e >= 0; e--) {
      const entry = tape.entries[e];
      let any = false;
      const outCts = entry.outputs.map((o) => {
        const g = cotangents.get(o.id);
        if (g !== undefined) any = true;
        return g;
      });
      if (!any) continue;
      for (const o of entry.outputs) if (!keep.has(o.id)) cotangents.delete(o.id);
      const filled = outCts.map((g, i) => g ?? zerosLike(entry.outputs[i]));
      const outer = setBackwardContext(entry.spec.name);
      let inCts: readonly (Tensor | null)[];
      try {
        inCts = entry.spec.vjp(filled, entry);
      } finally {
        setBackwardContext(outer);
      }
      checkFinite(`${entry.spec.name} (backward)`, filled, inCts.filter((g): g is Tensor => g !== null));
      entry.inputs.forEach((x, i) => {
        const g = inCts[i];
        if (g === null || g === undefined || !isFloat(x.dtype)) return;
        accumulate(x, sumToShape(g, x.shape));
      });
    }
  } finally {
    tape.paused = wasPaused;
  }
  return wrt.map((t) => cotangents.get(t.id) ?? zerosLike(t));
}
