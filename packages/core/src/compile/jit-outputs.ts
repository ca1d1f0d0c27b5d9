import type { Backend } from '../backend/backend.js';
import type { TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

// What a jitted call returns: fresh tensors holding the plan's output buffers, in the
// tree the function returned. Both are laid out once per signature, so a call does the
// least JavaScript it can — a sampler's token step is called a few hundred times before
// the engine has optimised it, and every call until then runs interpreted.

/** Stands for output leaf `k` in a traced function's result tree. */
export class OutputSlot {
  constructor(
    /** The leaf's position among the graph's outputs. */
    readonly index: number,
  ) {}
}

type TypedArrayClass = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray;

/** Where each output lives in the one block a call allocates for all of them. */
export interface OutputLayout {
  /** Bytes of the block. */
  readonly bytes: number;
  /** Byte offset of each output in the block. */
  readonly offsets: readonly number[];
  /** Each output's typed-array class (its dtype). */
  readonly classes: readonly TypedArrayClass[];
  /** Each output's shape. */
  readonly shapes: readonly Shape[];
  /** Rebuilds the result tree from the call's output tensors. */
  readonly build: (outputs: readonly Tensor[]) => unknown;
}

/** The layout for `buffers` (the plan's output tensors) and the result tree `tree` of {@link OutputSlot}s. */
export function outputLayout(buffers: readonly Tensor[], tree: unknown): OutputLayout {
  let bytes = 0;
  const offsets = buffers.map((b) => {
    const at = (bytes + 7) & ~7; // 8-aligned: a float64 view needs it
    bytes = at + b.data.byteLength;
    return at;
  });
  const classes = buffers.map((b) => b.data.constructor as TypedArrayClass);
  return { bytes, offsets, classes, shapes: buffers.map((b) => b.shape), build: builderOf(tree) };
}

/**
 * Fresh tensors holding the values of `buffers`, all views of one block — from the
 * backend's storage where it has some (see `Backend.storage`). Each typed array's own
 * storage is allocated outside the JavaScript heap, and until the collector returns
 * freed storage it is new memory, whose first write faults each page in: a sampler's
 * token step returning five small tensors paid ~20 µs per call for its first few hundred
 * calls (~3 µs later); one recycled block for all of them costs a fraction of that.
 */
export function copyOutputs(layout: OutputLayout, buffers: readonly Tensor[], be: Backend): unknown {
  const storage = (be.storage?.('float64', Math.ceil(layout.bytes / 8))?.buffer as ArrayBuffer | undefined) ?? new ArrayBuffer(layout.bytes);
  const outputs: Tensor[] = new Array(buffers.length);
  for (let i = 0; i < buffers.length; i++) {
    const source = buffers[i].data;
    const data = new layout.classes[i](storage, layout.offsets[i], source.length);
    data.set(source);
    outputs[i] = new Tensor(layout.shapes[i], data);
  }
  return layout.build(outputs);
}

/** A function that rebuilds `tree` with each slot replaced by its tensor (no entries arrays per call). */
function builderOf(tree: unknown): (outputs: readonly Tensor[]) => unknown {
  if (tree instanceof OutputSlot) {
    const k = tree.index;
    return (outputs) => outputs[k];
  }
  if (Array.isArray(tree)) {
    const items = tree.map(builderOf);
    return (outputs) => {
      const out: unknown[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) out[i] = items[i](outputs);
      return out;
    };
  }
  if (tree !== null && typeof tree === 'object') {
    const keys = Object.keys(tree);
    const values = keys.map((k) => builderOf((tree as Record<string, unknown>)[k]));
    return (outputs) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i]] = values[i](outputs);
      return out;
    };
  }
  return () => tree;
}
