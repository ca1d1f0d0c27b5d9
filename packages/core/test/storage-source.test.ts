// A backend's `storage` supplies the memory `allocate` returns while it is installed;
// allocate still hands out zeros, and the source goes away with the backend.
import { afterEach, describe, expect, it } from 'vitest';
import { type Backend, type DType, allocate, jsBackend, setBackend, zeros } from '../src/index.js';

afterEach(() => {
  setBackend(jsBackend);
});

function dirtyBackend(handedOut: ArrayBufferLike[]): Backend {
  return {
    ...jsBackend,
    name: 'dirty',
    storage(dtype: DType, size: number) {
      if (size < 4) return undefined; // small sizes left to the engine
      const array = dtype === 'float32' ? new Float32Array(size) : dtype === 'float64' ? new Float64Array(size) : new Int32Array(size);
      array.fill(7); // recycled memory holds old values
      handedOut.push(array.buffer);
      return array;
    },
  };
}

describe('Backend.storage', () => {
  it('supplies allocate’s memory while installed, zero-filled', () => {
    const handedOut: ArrayBufferLike[] = [];
    setBackend(dirtyBackend(handedOut));
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      const a = allocate(dtype, 10);
      expect(Array.from(a)).toEqual(new Array(10).fill(0));
      expect(handedOut).toContain(a.buffer);
    }
    expect(Array.from(zeros([3, 3]).data)).toEqual(new Array(9).fill(0));
    expect(handedOut).toHaveLength(4);
    const small = allocate('float32', 2); // declined: the engine's own
    expect(handedOut).not.toContain(small.buffer);
  });

  it('is dropped when another backend is installed', () => {
    const handedOut: ArrayBufferLike[] = [];
    setBackend(dirtyBackend(handedOut));
    setBackend(jsBackend);
    allocate('float32', 100);
    expect(handedOut).toHaveLength(0);
  });
});
