import { describe, expect, it } from 'vitest';
import { Rng, ValueError } from '../src/index.js';

// All statistical checks below use fixed seeds, so they are deterministic. Their bounds
// are ±5 standard errors of the statistic under the intended distribution: a correct
// generator would fail one with probability < 1e-6 for a given seed, while a biased one
// (wrong range, wrong variance, a stuck bit) misses them by far.

function moments(xs: ArrayLike<number>): { mean: number; variance: number; skew: number; kurtosis: number } {
  const n = xs.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i];
  mean /= n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

/** xoshiro128** written from the reference C code with BigInt arithmetic mod 2³². */
function referenceXoshiro(state: [number, number, number, number], n: number): number[] {
  const M = 0xffffffffn;
  let [s0, s1, s2, s3] = state.map(BigInt);
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s1 * 5n) & M, 7n) * 9n) & M));
    const t = (s1 << 9n) & M;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11n);
  }
  return out;
}

describe('Rng: the generator', () => {
  it('reproduces published xoshiro128** outputs (reference C implementation)', () => {
    // Known-answer vectors: state words and the first outputs of the C reference.
    expect(draws(new Rng([0, 1, 2, 3]), 5)).toEqual([5760, 17280, 2966400, 32451840, 2604340873]);
    expect(draws(new Rng([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0]), 4)).toEqual([0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70]);
  });

  it('agrees with an independent BigInt implementation over a long run', () => {
    const state: [number, number, number, number] = [0xdeadbeef, 0x01234567, 0x89abcdef, 0xfeedface];
    expect(draws(new Rng(state), 2000)).toEqual(referenceXoshiro(state, 2000));
  });

  it('is deterministic: same seed, same numbers', () => {
    const a = new Rng(42), b = new Rng(42);
    expect(draws(a, 100)).toEqual(draws(b, 100));
    expect(Array.from(new Rng(7).normal([50], { dtype: 'float64' }).data)).toEqual(Array.from(new Rng(7).normal([50], { dtype: 'float64' }).data));
  });

  it('different seeds give different streams, including seeds beyond 2³²', () => {
    const streams = [0, 1, 2, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER].map((s) => draws(new Rng(s), 8).join(','));
    expect(new Set(streams).size).toBe(streams.length);
  });

  it('rejects seeds that are not safe integers and repairs the all-zero state', () => {
    expect(() => new Rng(1.5)).toThrow(ValueError);
    expect(() => new Rng(2 ** 53)).toThrow(/Rng: seed must be a safe integer/);
    const zero = draws(new Rng([0, 0, 0, 0]), 4);
    expect(zero.some((x) => x !== 0)).toBe(true);
  });
});

describe('Rng.split', () => {
  it('is deterministic', () => {
    const a = new Rng(9).split(3).map((r) => draws(r, 10));
    const b = new Rng(9).split(3).map((r) => draws(r, 10));
    expect(a).toEqual(b);
  });

  it('children are independent of each other and of the parent', () => {
    const parent = new Rng(123);
    const [c1, c2] = parent.split(2);
    const n = 20000;
    const x = Array.from({ length: n }, () => c1.nextFloat());
    const y = Array.from({ length: n }, () => c2.nextFloat());
    const z = Array.from({ length: n }, () => parent.nextFloat());
    // The sample correlation of independent streams has standard error 1/√n.
    const corr = (a: number[], b: number[]): number => {
      const ma = moments(a).mean, mb = moments(b).mean;
      let sab = 0, saa = 0, sbb = 0;
      for (let i = 0; i < a.length; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) ** 2;
        sbb += (b[i] - mb) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    const bound = 5 / Math.sqrt(n);
    expect(Math.abs(corr(x, y))).toBeLessThan(bound);
    expect(Math.abs(corr(x, z))).toBeLessThan(bound);
    expect(Math.abs(corr(y, z))).toBeLessThan(bound);
    // Lagged correlation as well (a child that is the parent shifted by one would pass the above).
    expect(Math.abs(corr(x.slice(1), y.slice(0, -1)))).toBeLessThan(bound);
    expect(Math.abs(corr(x.slice(1), z.slice(0, -1)))).toBeLessThan(bound);
  });

  it('children of different splits do not repeat each other’s outputs', () => {
    const rng = new Rng(5);
    const children = [...rng.split(4), ...rng.split(4)];
    const firsts = children.map((c) => draws(c, 4).join(','));
    expect(new Set(firsts).size).toBe(children.length);
  });
});

describe('Rng: distributions', () => {
  const N = 100000;

  it('nextFloat is uniform on [0, 1): mean 1/2, variance 1/12', () => {
    const rng = new Rng(1);
    const xs = Array.from({ length: N }, () => rng.nextFloat());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const m = moments(xs);
    // SE(mean) = √(1/12/N) ≈ 9.1e-4; SE(variance) = √((1/80 − 1/144)/N) ≈ 2.4e-4.
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / N));
  });

  it('normal draws have mean, variance, skewness and kurtosis of N(μ, σ²)', () => {
    const t = new Rng(2).normal([N], { mean: 3, std: 2, dtype: 'float64' });
    const m = moments(t.data);
    // SE(mean) = σ/√N; SE(variance) = σ²√(2/N); SE(skew) ≈ √(6/N); SE(kurtosis) ≈ √(24/N).
    expect(Math.abs(m.mean - 3)).toBeLessThan((5 * 2) / Math.sqrt(N));
    expect(Math.abs(m.variance - 4)).toBeLessThan(5 * 4 * Math.sqrt(2 / N));
    expect(Math.abs(m.skew)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(5 * Math.sqrt(24 / N));
    expect(t.dtype).toBe('float64');
  });

  it('normal draws put ~68.27% of the mass within one σ', () => {
    const t = new Rng(3).normal([N], { dtype: 'float64' });
    let inside = 0;
    for (const v of t.data) if (Math.abs(v) < 1) inside++;
    const p = 0.6826894921370859;
    expect(Math.abs(inside / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
  });

  it('uniform respects [low, high)', () => {
    const t = new Rng(4).uniform([N], { low: -3, high: 5, dtype: 'float64' });
    const m = moments(t.data);
    expect(Math.min(...t.data)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...t.data)).toBeLessThan(5);
    expect(Math.abs(m.mean - 1)).toBeLessThan(5 * Math.sqrt(64 / 12 / N));
    expect(() => new Rng(0).uniform([1], { low: 1, high: 0 })).toThrow(ValueError);
  });

  it('bernoulli has mean p', () => {
    const t = new Rng(5).bernoulli([N], 0.3);
    const m = moments(t.data);
    expect(new Set(t.data)).toEqual(new Set([0, 1]));
    expect(Math.abs(m.mean - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / N));
    expect(() => new Rng(0).bernoulli([1], 1.5)).toThrow(ValueError);
  });

  it('integers are uniform over [0, n) (chi-square) for a range that does not divide 2³²', () => {
    const n = 7;
    const t = new Rng(6).integers([N], n);
    expect(t.dtype).toBe('int32');
    const counts = new Array<number>(n).fill(0);
    for (const v of t.data) counts[v]++;
    const e = N / n;
    const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    // χ² with 6 degrees of freedom: P(χ² > 35) < 4e-6.
    expect(chi2).toBeLessThan(35);
    expect(() => new Rng(0).nextInt(0)).toThrow(ValueError);
    expect(() => new Rng(0).nextInt(2 ** 32 + 1)).toThrow(ValueError);
    expect(new Rng(0).nextInt(2 ** 32)).toBeLessThan(2 ** 32);
  });

  it('permutation is a uniformly random permutation', () => {
    const rng = new Rng(7);
    const p = rng.permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Each of the 6 orders of 3 elements: expected N/6 each.
    const counts = new Map<string, number>();
    const trials = 60000;
    for (let i = 0; i < trials; i++) {
      const key = rng.permutation(3).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const e = trials / 6;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - e) ** 2 / e, 0);
    // χ² with 5 degrees of freedom: P(χ² > 33) < 4e-6.
    expect(chi2).toBeLessThan(33);
  });

  it('categorical draws in proportion to the weights', () => {
    const rng = new Rng(8);
    const w = [1, 0, 3];
    const counts = [0, 0, 0];
    for (let i = 0; i < N; i++) counts[rng.categorical(w)]++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2] / N - 0.75)).toBeLessThan(5 * Math.sqrt((0.75 * 0.25) / N));
    expect(() => rng.categorical([0, 0])).toThrow(ValueError);
    expect(() => rng.categorical([1, NaN])).toThrow(ValueError);
    expect(() => rng.categorical([2, -1])).toThrow(/weight 1 is -1/);
  });
});

describe('Rng state', () => {
  it('a restored snapshot draws exactly what the original draws, spare normal included', () => {
    const rng = new Rng(123);
    rng.nextNormal(); // leaves a spare normal pending
    const copy = Rng.fromState(JSON.parse(JSON.stringify(rng.state())) as ReturnType<Rng['state']>);
    const a = [rng.nextNormal(), rng.nextFloat(), ...rng.normal([5]).toFlatArray(), rng.nextInt(1000)];
    const b = [copy.nextNormal(), copy.nextFloat(), ...copy.normal([5]).toFlatArray(), copy.nextInt(1000)];
    expect(b).toEqual(a);
  });

  it('setState rewinds a generator in place', () => {
    const rng = new Rng(9);
    const saved = rng.state();
    const first = rng.normal([3]).toFlatArray();
    rng.setState(saved);
    expect(rng.normal([3]).toFlatArray()).toEqual(first);
  });

  it('rejects impossible snapshots, naming the field', () => {
    expect(() => Rng.fromState({ words: [0, 0, 0, 0], spareNormal: null })).toThrow('all zero');
    expect(() => Rng.fromState({ words: [1, 2, 3, -4] as unknown as [number, number, number, number], spareNormal: null })).toThrow('words must be four unsigned 32-bit integers');
    expect(() => Rng.fromState({ words: [1, 2, 3, 4], spareNormal: Number.NaN })).toThrow('spareNormal');
  });
});
