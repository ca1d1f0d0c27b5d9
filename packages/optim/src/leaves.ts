/**
 * Internal: pairing gradient leaves with parameters and moment buffers by path, with
 * the error messages that name the offending path. Every transformation validates the
 * whole tree here *before* touching any buffer, so a bad call leaves the state intact.
 */
import type { Tensor } from '@tapestry/core';
import { DTypeError, ShapeError, backend, flatten, mapTree } from '@tapestry/core';

/** Storage of a floating-point tensor. */
export type FloatArray = Float32Array | Float64Array;

/** A gradient (or update) leaf and the parameter at the same path, if parameters were given. */
export interface LeafPair {
  readonly path: string;
  readonly grad: Tensor;
  readonly param: Tensor | undefined;
}

/** `'lstm.weight_ih_l0'`, or `'(root)'` for a tree that is a single tensor. */
export function formatPath(path: string): string {
  return path === '' ? "'(root)'" : `'${path}'`;
}

/** `[4,3]`, the shape notation used in core's messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Fresh zeroed storage with the dtype and size of `t`. */
export function zerosLike(t: Tensor): FloatArray {
  return t.dtype === 'float32' ? new Float32Array(t.size) : new Float64Array(t.size);
}

/**
 * Fresh storage with the dtype and size of `t`, for a loop that writes every element:
 * the backend's uninitialised storage where it has some (a native backend recycles
 * freed buffers, saving the zero fill and the fresh pages of a new array on every step),
 * else zeroed storage. The contents before that loop are unspecified.
 */
export function allocLike(t: Tensor): FloatArray {
  return (backend().storage?.(t.dtype, t.size) as FloatArray | undefined) ?? zerosLike(t);
}

/** True when `a` and `b` have one element type and length (what a backend kernel requires). */
export function sameKind(a: FloatArray, b: FloatArray): boolean {
  return a.constructor === b.constructor && a.length === b.length;
}

/**
 * `out = a·x` (or `a·x + y`) by the backend's kernel, which computes each element in double
 * precision and rounds once, as the TypeScript loops do, so the same bits; false (nothing
 * written) where the backend has no such kernel.
 */
export function scaleAddByBackend(x: FloatArray, a: number, y: FloatArray | undefined, out: FloatArray): boolean {
  const kernel = backend().scaleAdd;
  if (kernel === undefined || !sameKind(x, out) || (y !== undefined && !sameKind(x, y))) return false;
  kernel(x, a, y, out);
  return true;
}

/** The storage of a tensor already checked to be float32 or float64. */
export function floatData(t: Tensor): FloatArray {
  return t.data as FloatArray;
}

/** Throws unless `t` is a floating-point tensor; `what` names it in the message. */
export function checkFloat(owner: string, what: string, path: string, t: Tensor): void {
  if (t.dtype === 'int32') {
    throw new DTypeError(`${owner}: ${what} ${formatPath(path)} has dtype int32; optimizers work on float32 and float64 tensors`);
  }
}

/**
 * Flattens `grads` and pairs every leaf with the parameter at the same path. With
 * `params`, checks that both trees have the same paths, shapes and dtypes.
 */
export function pairLeaves(owner: string, grads: unknown, params: unknown, what = 'gradient'): Map<string, LeafPair> {
  const paramMap = params === undefined ? undefined : new Map(flatten(params).map(({ path, leaf }) => [path, leaf]));
  const pairs = new Map<string, LeafPair>();
  for (const { path, leaf } of flatten(grads)) {
    checkFloat(owner, what, path, leaf);
    const param = paramMap === undefined ? undefined : matchParam(owner, what, path, leaf, paramMap);
    pairs.set(path, { path, grad: leaf, param });
  }
  if (paramMap !== undefined && paramMap.size !== pairs.size) {
    const missing = [...paramMap.keys()].find((p) => !pairs.has(p));
    throw new ShapeError(`${owner}: no ${what} for parameter ${formatPath(missing ?? '?')}`);
  }
  return pairs;
}

function matchParam(owner: string, what: string, path: string, grad: Tensor, paramMap: Map<string, Tensor>): Tensor {
  const param = paramMap.get(path);
  if (param === undefined) throw new ShapeError(`${owner}: ${what} for ${formatPath(path)} has no matching parameter`);
  if (!sameShape(grad.shape, param.shape)) {
    throw new ShapeError(`${owner}: ${what} for ${formatPath(path)} has shape ${formatShape(grad.shape)}, parameter has ${formatShape(param.shape)}`);
  }
  if (grad.dtype !== param.dtype) {
    throw new DTypeError(`${owner}: ${what} for ${formatPath(path)} is ${grad.dtype}, parameter is ${param.dtype}`);
  }
  return param;
}

/** Builds the output tree (structure of `grads`) by computing one tensor per pair. */
export function mapPairs<P>(grads: P, pairs: Map<string, LeafPair>, fn: (pair: LeafPair) => Tensor): P {
  return mapTree(grads, (_leaf: Tensor, path: string) => fn(pairs.get(path)!)) as unknown as P;
}
