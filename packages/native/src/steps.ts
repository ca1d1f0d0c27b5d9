import type { BoundSteps, StepCommand, Tensor, TypedArray } from '@tapestry/core';
import { ShapeError, checkProgramOperands } from '@tapestry/core';
import type { Addon } from './addon.js';
import type { ProgramCache } from './program.js';
import { productSizes } from './matmul.js';

// A compiled loop's step bound once (native/loop.cc): the arrays and the command records
// cross into native code at bind time, and every run is one call with one number. The
// native list holds references to the arrays, so they live (and stay in place) as long
// as the returned function; a FinalizationRegistry frees the list when it is collected.

const isFloat = (t: Tensor): boolean => t.dtype !== 'int32';

/** The records of `commands` (see native/loop.cc), or undefined when one has no native form. */
function encodeSteps(commands: readonly StepCommand[], programs: ProgramCache): { code: Int32Array; arrays: TypedArray[] } | undefined {
  const arrays: TypedArray[] = [];
  const index = new Map<TypedArray, number>();
  const at = (a: TypedArray): number => {
    let i = index.get(a);
    if (i === undefined) index.set(a, (i = arrays.push(a) - 1));
    return i;
  };
  const code: number[] = [];
  for (const c of commands) {
    switch (c.kind) {
      case 'matmul': {
        const { a, b, out } = c;
        const sizes = productSizes(a, b, c.transA, c.transB, out);
        if (sizes === null || typeof sizes === 'string') return undefined;
        code.push(0, at(a.data), at(b.data), at(out.data), sizes.M, sizes.N, sizes.K, +c.transA, +c.transB, +c.accumulate);
        break;
      }
      case 'program': {
        if (c.outputs.some((o) => !isFloat(o))) return undefined;
        const n = checkProgramOperands(c.program, c.inputs, c.outputs);
        if (n === 0) break;
        const operands = [...c.inputs, ...c.outputs];
        code.push(1, programs.idOf(c.program), n, operands.length, ...operands.map((t) => at(t.data)));
        break;
      }
      case 'copy':
        code.push(2, at(c.src), c.srcStart, c.srcStride, at(c.dst), c.dstStart, c.dstStride, c.rows, c.length, c.srcStep ?? 0, c.dstStep ?? 0);
        break;
      case 'broadcast': {
        // Per output axis: its size and the source's stride along it (0 where it repeats).
        const lead = c.dstShape.length - c.srcShape.length;
        let stride = 1;
        const strides = c.dstShape.map(() => 0);
        for (let i = c.srcShape.length - 1; i >= 0; i--) {
          if (c.srcShape[i] !== 1) strides[i + lead] = stride;
          stride *= c.srcShape[i];
        }
        code.push(4, at(c.src), at(c.dst), c.dstShape.length, ...c.dstShape, ...strides);
        break;
      }
      case 'zero':
        code.push(3, at(c.dst));
        break;
      case 'gather':
        if (c.op !== 'gather') return undefined; // the native error names the gather op
        code.push(5, at(c.table), at(c.indices), at(c.dst), c.outer, c.size, c.inner);
        break;
      case 'softmax': {
        if (!isFloat(c.src) || c.src.dtype !== c.dst.dtype || c.src.size !== c.dst.size) return undefined;
        const n = c.src.shape[c.src.rank - 1] ?? 1;
        if (c.src.size === 0) break;
        code.push(6, at(c.src.data), at(c.dst.data), c.src.size / n, n, +c.log);
        break;
      }
      default:
        // A kind this addon has no record for (a newer core): decline rather than drop
        // it, and the caller runs every command itself.
        return undefined;
    }
  }
  return { code: Int32Array.from(code), arrays };
}

/** The addon and list id behind each bound function, for {@link explainBoundSteps}. */
const boundIds = new WeakMap<BoundSteps, { addon: Addon; id: number }>();

/**
 * Whether runs of a step list bound by the native backend may split by batch rows (each
 * thread running its rows through every step, see the package README), and if not, why:
 * `"rows: …"` or `"serial: …"`. Undefined for a function the native backend did not bind
 * or that was released.
 */
export function explainBoundSteps(run: BoundSteps): string | undefined {
  const bound = boundIds.get(run);
  return bound === undefined ? undefined : bound.addon.explainSteps(bound.id);
}

/** A bound gather's index check fails in native code; it is the same `ShapeError` the op throws. */
function asShapeError(e: unknown): unknown {
  return e instanceof RangeError && e.message.startsWith('gather: index ') ? new ShapeError(e.message) : e;
}

/** Binds step lists in one addon. */
export class StepBinder {
  private readonly registry: FinalizationRegistry<number>;

  constructor(private readonly addon: Addon, private readonly programs: ProgramCache) {
    this.registry = new FinalizationRegistry((id) => addon.releaseSteps(id));
  }

  /** One native call running `commands` in order over a run of steps, or undefined when one has no native form. */
  bind(commands: readonly StepCommand[], steps: number): BoundSteps | undefined {
    const encoded = encodeSteps(commands, this.programs);
    if (encoded === undefined) return undefined;
    const addon = this.addon;
    const id = addon.bindSteps(encoded.code, encoded.arrays, steps);
    const run: BoundSteps = (first: number, count: number, delta: number): void => {
      try {
        addon.runSteps(id, first, count, delta);
      } catch (e) {
        throw asShapeError(e);
      }
    };
    boundIds.set(run, { addon, id });
    const token = {};
    this.registry.register(run, id, token);
    run.release = (): void => {
      this.registry.unregister(token);
      boundIds.delete(run);
      addon.releaseSteps(id);
    };
    return run;
  }
}
