import { TraceError, ValueError } from '../errors.js';
import { activeTrace } from '../compile/trace-state.js';
import type { DType } from '../tensor/dtype.js';
import { allocate, checkDType, defaultFloat } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { checkShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** splitmix32: turns any 32-bit value into a well-mixed one (used only for seeding). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Everything an {@link Rng} will draw next, as plain JSON-safe data: its four state words
 * and the spare normal draw Box–Muller holds back (`null` if none). A checkpoint saves
 * it so that a resumed run draws the same numbers as one that never stopped.
 */
export interface RngState {
  /** The xoshiro128** state: four unsigned 32-bit integers, not all zero. */
  readonly words: readonly [number, number, number, number];
  /** The second value of the last Box–Muller pair, not yet returned. */
  readonly spareNormal: number | null;
}

/**
 * A seeded, splittable random number generator (xoshiro128**).
 *
 * There is no global generator: every function that draws random numbers takes an
 * `Rng`. The same seed gives the same numbers on every machine, and {@link Rng.split}
 * derives independent generators so that, e.g., parameter initialisation and dropout
 * can be seeded separately and reproducibly.
 *
 * @example
 * ```ts
 * import { Rng } from '@tapestry/core';
 * const rng = new Rng(42);
 * const [initRng, dropoutRng] = rng.split(2);
 * const w = initRng.normal([3, 4]);
 * ```
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /** Seeds the generator with an integer (any safe integer) or four 32-bit words. */
  constructor(seed: number | readonly [number, number, number, number]) {
    if (typeof seed === 'number') {
      if (!Number.isSafeInteger(seed)) throw new ValueError(`Rng: seed must be a safe integer, got ${seed}`);
      const lo = seed >>> 0;
      const hi = Math.floor(seed / 2 ** 32) >>> 0;
      seed = [mix32(lo), mix32(hi ^ 0x6a09e667), mix32(lo ^ 0xbb67ae85), mix32(hi ^ 0x3c6ef372)];
    }
    [this.s0, this.s1, this.s2, this.s3] = seed.map((w) => w >>> 0);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * A snapshot of the generator: {@link Rng.fromState} of it draws exactly the numbers
   * this generator draws from now on.
   *
   * @example
   * ```ts
   * import { Rng } from '@tapestry/core';
   * const rng = new Rng(7);
   * const saved = JSON.stringify(rng.state());
   * const copy = Rng.fromState(JSON.parse(saved));
   * console.log(copy.nextFloat() === rng.nextFloat()); // true
   * ```
   */
  state(): RngState {
    return { words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spareNormal ?? null };
  }

  /** A generator that continues from a {@link Rng.state} snapshot; throws a `ValueError` naming the field if the snapshot is impossible. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(1);
    rng.setState(state);
    return rng;
  }

  /**
   * Rewinds (or forwards) this generator to a {@link Rng.state} snapshot in place, so
   * code that holds this generator continues from the snapshot — how a resumed training
   * run gets its dropout and shuffling back. Throws a `ValueError` naming the field if
   * the snapshot is impossible, and then leaves the generator unchanged.
   */
  setState(state: RngState): void {
    const words: unknown = (state as { words?: unknown } | null)?.words;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && (w as number) >= 0 && (w as number) < 2 ** 32)) {
      throw new ValueError(`Rng.setState: words must be four unsigned 32-bit integers, got ${JSON.stringify(words)}`);
    }
    if (words.every((w) => w === 0)) throw new ValueError('Rng.setState: words are all zero, which xoshiro128** never reaches');
    const spare: unknown = state.spareNormal;
    if (spare !== null && !(typeof spare === 'number' && Number.isFinite(spare))) {
      throw new ValueError(`Rng.setState: spareNormal must be a finite number or null, got ${JSON.stringify(spare)}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = (words as number[]).map((w) => w >>> 0);
    this.spareNormal = spare ?? undefined;
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    // A trace records ops, not values: a draw inside it would become a constant, the
    // same at every step, so compiled code must see it and run the function eagerly.
    if (activeTrace() !== undefined) throw new TraceError('a traced function drew random numbers (a trace would freeze them into constants)');
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new ValueError(`Rng.nextInt: n must be an integer in [1, 2^32], got ${n}`);
    // Rejection sampling removes the modulo bias.
    const limit = Math.floor(2 ** 32 / n) * n;
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** `n` new generators, independent of each other and of this one's future draws. */
  split(n = 2): Rng[] {
    return Array.from({ length: n }, () => {
      const words: [number, number, number, number] = [0, 0, 0, 0];
      for (let i = 0; i < 4; i++) words[i] = mix32(this.nextUint32() ^ Math.imul(i + 1, 0x9e3779b9));
      return new Rng(words);
    });
  }

  /** A tensor of N(mean, std²) draws. */
  normal(shape: Shape, options: { mean?: number; std?: number; dtype?: DType } = {}): Tensor {
    const { mean = 0, std = 1, dtype = defaultFloat } = options;
    checkShape('Rng.normal', shape);
    checkDType('Rng.normal', dtype);
    const out = allocate(dtype, sizeOf(shape), 'Rng');
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.nextNormal();
    return new Tensor(shape, out);
  }

  /** A tensor of uniform draws from [low, high). */
  uniform(shape: Shape, options: { low?: number; high?: number; dtype?: DType } = {}): Tensor {
    const { low = 0, high = 1, dtype = defaultFloat } = options;
    checkShape('Rng.uniform', shape);
    checkDType('Rng.uniform', dtype);
    if (!(high >= low)) throw new ValueError(`Rng.uniform: high (${high}) must be >= low (${low})`);
    const out = allocate(dtype, sizeOf(shape), 'Rng');
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.nextFloat();
    return new Tensor(shape, out);
  }

  /** A tensor of 0/1 draws that are 1 with probability `p`. */
  bernoulli(shape: Shape, p: number, dtype: DType = defaultFloat): Tensor {
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Rng.bernoulli: p must be in [0, 1], got ${p}`);
    checkShape('Rng.bernoulli', shape);
    checkDType('Rng.bernoulli', dtype);
    const out = allocate(dtype, sizeOf(shape), 'Rng');
    for (let i = 0; i < out.length; i++) out[i] = this.nextFloat() < p ? 1 : 0;
    return new Tensor(shape, out);
  }

  /** A tensor of uniform integers in [0, n) (int32). */
  integers(shape: Shape, n: number): Tensor {
    checkShape('Rng.integers', shape);
    const out = allocate('int32', sizeOf(shape));
    for (let i = 0; i < out.length; i++) out[i] = this.nextInt(n);
    return new Tensor(shape, out);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }

  /** Draws an index from unnormalised non-negative `weights`. */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0)) throw new ValueError(`Rng.categorical: weight ${i} is ${weights[i]}; weights must be non-negative`);
      total += weights[i];
    }
    if (!(total > 0) || !Number.isFinite(total)) throw new ValueError('Rng.categorical: weights must be finite, non-negative and not all zero');
    let u = this.nextFloat() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
