import type { Backend, BinaryKind, ElementwiseProgram, Shape, Tensor, TypedArray, UnaryKind } from '@tapestry/core';
import { checkProgramOperands, jsBackend, sizeOf } from '@tapestry/core';
import { type Addon, loaded } from './addon.js';
import { nativeMatmul, productSizes } from './matmul.js';
import { ProgramCache } from './program.js';
import { StepBinder } from './steps.js';
import { concatRows, sliceRows } from './layout.js';
import { outputArray, pooledArray, releaseStorage } from './storage.js';
import { optimizerKernels } from './optimizer.js';

type FloatArray = Float32Array | Float64Array;
type TensorClass = new (shape: Shape, data: TypedArray) => Tensor;

// Single element-wise kernels are one-instruction programs, built once per kind (clamp
// and inRange per bound pair, in a small cache) and run through the same native loop.
function unaryProgram(kind: UnaryKind, p0: number, p1: number): ElementwiseProgram {
  return { inputs: 1, instructions: [{ op: 'unary', kind, x: 0, p0, p1 }], outputs: [1] };
}
function binaryProgram(kind: BinaryKind): ElementwiseProgram {
  return { inputs: 2, instructions: [{ op: 'binary', kind, a: 0, b: 1 }], outputs: [2] };
}
const whereProgram: ElementwiseProgram = { inputs: 3, instructions: [{ op: 'where', cond: 0, a: 1, b: 2 }], outputs: [3] };

/**
 * True when `shape` broadcasts to `outShape` by repetition alone — its elements repeat
 * with period `size` in the output (a scalar, the full shape, or a shape equal to the
 * output's trailing axes) — so the native loop can read it at `j mod size`.
 */
export function periodicIn(shape: Shape, outShape: Shape): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const rest = shape.length - start;
  if (rest > outShape.length) return false;
  for (let i = 0; i < rest; i++) if (shape[start + i] !== outShape[outShape.length - rest + i]) return false;
  return true;
}

const isFloat = (t: Tensor): boolean => t.dtype !== 'int32';

function buildNativeBackend(addon: Addon, base: Backend): Backend {
  const programs = new ProgramCache(addon);
  const steps = new StepBinder(addon, programs);
  const unaryCache = new Map<string, ElementwiseProgram>();
  const binaryCache = new Map<BinaryKind, ElementwiseProgram>();
  const unaryOf = (kind: UnaryKind, p0: number, p1: number): ElementwiseProgram => {
    const key = kind === 'clamp' || kind === 'inRange' ? `${kind}:${p0}:${p1}` : kind;
    let program = unaryCache.get(key);
    if (program === undefined) {
      if (unaryCache.size > 256) unaryCache.clear();
      program = unaryProgram(kind, p0, p1);
      unaryCache.set(key, program);
    }
    return program;
  };
  const binaryOf = (kind: BinaryKind): ElementwiseProgram => {
    let program = binaryCache.get(kind);
    if (program === undefined) binaryCache.set(kind, (program = binaryProgram(kind)));
    return program;
  };
  // Outputs of kernels that write every element (see storage.ts).
  const fresh = (like: Tensor, shape: Shape): Tensor => {
    const data = outputArray(addon, like.dtype as 'float32' | 'float64', sizeOf(shape));
    return new (like.constructor as TensorClass)([...shape], data);
  };
  // Along the last (contiguous) axis natively; other axes fall back (null).
  const lastAxisSoftmax = (x: Tensor, axis: number, logarithm: boolean): Tensor | null => {
    if (!isFloat(x) || axis !== x.rank - 1 || x.size === 0) return null;
    const out = fresh(x, x.shape);
    const n = x.shape[axis];
    addon.softmax(x.data as FloatArray, out.data as FloatArray, x.size / n, n, logarithm);
    return out;
  };
  const run = (program: ElementwiseProgram, n: number, operands: TypedArray[]): void => {
    addon.run(programs.idOf(program), n, ...operands);
  };

  return {
    ...base,
    name: 'native',
    unary(kind, x, p0 = 0, p1 = 0) {
      if (!isFloat(x)) return base.unary(kind, x, p0, p1);
      const out = fresh(x, x.shape);
      run(unaryOf(kind, p0, p1), x.size, [x.data, out.data]);
      return out;
    },
    binary(kind, a, b, outShape) {
      if (!isFloat(a) || a.dtype !== b.dtype || !periodicIn(a.shape, outShape) || !periodicIn(b.shape, outShape)) {
        return base.binary(kind, a, b, outShape);
      }
      const out = fresh(a, outShape);
      if (out.size > 0) run(binaryOf(kind), out.size, [a.data, b.data, out.data]);
      return out;
    },
    where(cond, a, b, outShape) {
      if (!isFloat(a) || a.dtype !== b.dtype || ![cond, a, b].every((t) => periodicIn(t.shape, outShape))) {
        return base.where(cond, a, b, outShape);
      }
      const out = fresh(a, outShape);
      if (out.size > 0) run(whereProgram, out.size, [cond.data, a.data, b.data, out.data]);
      return out;
    },
    reduce(kind, x, axes, keepdims) {
      // Sums over contiguous axes natively (same order of additions as the TypeScript
      // kernel, so the same bits); max, min and scattered axes fall back.
      const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
      if (kind !== 'sum' || !isFloat(x) || !contiguous || axes.length === 0) return base.reduce(kind, x, axes, keepdims);
      const first = axes[0], last = axes[axes.length - 1];
      const outer = sizeOf(x.shape.slice(0, first)), n = sizeOf(x.shape.slice(first, last + 1)), inner = sizeOf(x.shape.slice(last + 1));
      const shape = x.shape.flatMap((d, i) => (i < first || i > last ? [d] : keepdims ? [1] : []));
      const out = fresh(x, shape);
      if (out.size > 0) addon.sum(x.data as FloatArray, out.data as FloatArray, outer, n, inner);
      return out;
    },
    softmax(x, axis) {
      return lastAxisSoftmax(x, axis, false) ?? base.softmax(x, axis);
    },
    logSoftmax(x, axis) {
      return lastAxisSoftmax(x, axis, true) ?? base.logSoftmax(x, axis);
    },
    storage(dtype, size) {
      return pooledArray(addon, dtype, size);
    },
    release(data) {
      return releaseStorage(addon, data);
    },
    ...optimizerKernels(addon),
    concat(xs, axis) {
      return concatRows(addon, xs, axis);
    },
    slice(x, starts, sizes) {
      return sliceRows(addon, x, starts, sizes);
    },
    matmul(a, b, transA, transB, outShape) {
      return nativeMatmul(addon, a, b, transA, transB, outShape) ?? base.matmul(a, b, transA, transB, outShape);
    },
    matmulInto(a, b, transA, transB, out, accumulate) {
      const sizes = productSizes(a, b, transA, transB, out);
      if (sizes === null) {
        base.matmulInto(a, b, transA, transB, out, accumulate);
        return;
      }
      if (typeof sizes === 'string') throw new Error(`matmulInto: ${sizes}`);
      addon.gemm(a.data as FloatArray, b.data as FloatArray, out.data as FloatArray, sizes.M, sizes.N, sizes.K, transA, transB, accumulate);
    },
    elementwise(program, inputs, outputs) {
      const n = checkProgramOperands(program, inputs, outputs);
      if (outputs.some((o) => o.dtype === 'int32')) {
        base.elementwise(program, inputs, outputs);
        return;
      }
      const id = programs.idOf(program);
      if (n === 0) return;
      const operands: TypedArray[] = [];
      for (const x of inputs) operands.push(x.data);
      for (const o of outputs) operands.push(o.data);
      addon.run(id, n, ...operands);
    },
    bindSteps(commands, count) {
      return steps.bind(commands, count);
    },
  };
}

function unavailable(reason: string): Backend {
  const fail = (): never => {
    throw new Error(`@tapestry/native is not available: ${reason}`);
  };
  return {
    name: 'native',
    unary: fail, binary: fail, where: fail, reduce: fail, argReduce: fail, matmul: fail, permute: fail,
    broadcastTo: fail, slice: fail, pad: fail, concat: fail, gather: fail, scatterAdd: fail, takeAlongAxis: fail,
    putAlongAxis: fail, softmax: fail, logSoftmax: fail, cast: fail, matmulInto: fail, elementwise: fail,
  };
}

/**
 * The native CPU backend: matrix products in AVX-512/AVX2 tile kernels on every core and
 * element-wise kernels, programs and last-axis softmax in vectorised native loops; other
 * kernels are the
 * TypeScript backend's. Install it with `setBackend` when {@link nativeStatus} reports it
 * available (or use {@link bestBackend}); when it is not, every kernel throws an error
 * giving the reason.
 *
 * @example
 * ```ts
 * import { matmul, setBackend, tensor } from '@tapestry/core';
 * import { nativeBackend, nativeStatus } from '@tapestry/native';
 *
 * if (nativeStatus().available) setBackend(nativeBackend);
 * console.log(matmul(tensor([[1, 2]]), tensor([[3], [4]])).item()); // 11
 * ```
 */
export const nativeBackend: Backend = createNativeBackend();

/**
 * A native backend that falls back to `base` for the kernels the addon does not compute:
 * int32 arithmetic, reductions, softmax along other than the last axis, layout and
 * indexing kernels, and element-wise broadcasts other than repetition along leading axes
 * (see the package README). Output tensors are instances of the inputs' `Tensor` class.
 * {@link nativeBackend} is this over core's TypeScript backend.
 */
export function createNativeBackend(base: Backend = jsBackend): Backend {
  return loaded.addon === undefined ? unavailable(loaded.reason) : buildNativeBackend(loaded.addon, base);
}
