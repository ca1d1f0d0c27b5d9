import { ShapeError } from '../errors.js';
import { disposedTensors, refuseDisposed } from './refuse-disposed.js';
import type { DType, DTypeArrays, TypedArray } from './dtype.js';
import { dtypeOf } from './dtype.js';
import type { Shape } from './shape.js';
import { formatShape, sizeOf } from './shape.js';
import { takeTensorId } from './ids.js';
import { registerCoreCopy } from '../single-copy.js';

// The Tensor class is what two copies of core would not share: register this copy, or fail
// at import when another copy of core is already loaded.
registerCoreCopy(import.meta.url);

/** A nested array of numbers, as produced by {@link Tensor.toArray}. */
export type NestedArray = number | NestedArray[];

/**
 * An immutable n-dimensional array: a shape, a dtype and contiguous row-major storage.
 *
 * Tensors are values. Ops return new tensors and never write into their inputs, so a
 * tensor can be shared freely between parameter trees, tapes and optimizer states.
 * Gradients are never stored on tensors; transforms return them.
 *
 * @example
 * ```ts
 * import { tensor } from '@tapestry/core';
 * const x = tensor([[1, 2], [3, 4]]);
 * x.shape; // [2, 2]
 * x.toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export class Tensor<D extends DType = DType> {
  /** Unique identity used by the tape; never reused within a process. */
  readonly id: number;
  /** Number of elements. */
  readonly size: number;
  /** The element type. */
  readonly dtype: D;
  /** Dimensions, outermost first: the tensor's own copy, never the caller's array. */
  readonly shape: Shape;

  /**
   * Wraps `data` without copying. Prefer {@link tensor}, {@link zeros} and friends; this
   * constructor is for kernels and backends that already own a fresh array.
   *
   * `shape` is copied, so a caller who mutates the array afterwards cannot change the
   * tensor. (It is not frozen: `Object.freeze` made constructing a tensor six times
   * slower, 70 → 450 ns, and a 2×2 `add` about 60% slower; the `readonly` type keeps
   * TypeScript code from writing to it.)
   */
  constructor(
    shape: Shape,
    /** Row-major storage. Treat it as read-only: other tensors may share it. */
    readonly data: DTypeArrays[D],
  ) {
    this.id = takeTensorId();
    this.shape = shape.slice();
    this.size = sizeOf(shape);
    this.dtype = dtypeOf(data as TypedArray) as D;
    if (data.length !== this.size) {
      throw new ShapeError(`Tensor: shape ${formatShape(shape)} needs ${this.size} elements, got ${data.length}`);
    }
  }

  /**
   * True once {@link dispose} released this tensor — or released another tensor sharing its
   * storage (a reshape of it) where the backend freed that storage at once, leaving `data`
   * empty. Ops, `jit`, the reverse sweep and the readers below refuse a disposed tensor.
   */
  get isDisposed(): boolean {
    return this.data.length !== this.size || disposedTensors.has(this);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    refuseDisposed('item', this);
    if (this.size !== 1) throw new ShapeError(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1`);
    return this.data[0];
  }

  /** The values as a nested array (a number for a scalar). */
  toArray(): NestedArray {
    refuseDisposed('toArray', this);
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const inner = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * inner));
    };
    return build(0, 0);
  }

  /** The values as a flat list in row-major order. */
  toFlatArray(): number[] {
    refuseDisposed('toFlatArray', this);
    return Array.from(this.data);
  }

  /** A short description such as `Tensor(float32 [2,3])`. */
  toString(): string {
    return `Tensor(${this.dtype} ${formatShape(this.shape)})`;
  }
}

