/**
 * A hash map from non-negative 32-bit integers to integers, with open addressing in
 * typed arrays: the n-gram counter interns millions of keys, and a `Map<number, number>`
 * spends most of its time allocating and hashing boxed entries.
 */
export class IntMap {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  /** A map sized for about `expected` keys (it grows when needed). */
  constructor(expected = 16) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, expected * 2)));
    this.keys = new Int32Array(capacity).fill(-1);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Number of keys. */
  get size(): number {
    return this.count;
  }

  /** The value of `key`, or −1 when absent. */
  get(key: number): number {
    for (let slot = hash(key) & this.mask; ; slot = (slot + 1) & this.mask) {
      const k = this.keys[slot];
      if (k === key) return this.values[slot];
      if (k === -1) return -1;
    }
  }

  /** The value of `key`; absent keys get `value` and it is returned. */
  getOrSet(key: number, value: number): number {
    if (key < 0 || key > 0x7fffffff || !Number.isInteger(key)) throw new RangeError(`IntMap: keys must be integers in [0, 2³¹), got ${key}`);
    for (let slot = hash(key) & this.mask; ; slot = (slot + 1) & this.mask) {
      const k = this.keys[slot];
      if (k === key) return this.values[slot];
      if (k === -1) {
        this.keys[slot] = key;
        this.values[slot] = value;
        if (++this.count * 2 > this.mask) this.grow();
        return value;
      }
    }
  }

  private grow(): void {
    const [keys, values] = [this.keys, this.values];
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.getOrSet(keys[i], values[i]);
  }
}

/** Fibonacci hashing: spreads consecutive keys over the table. */
function hash(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> 0;
}
