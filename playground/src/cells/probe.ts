/**
 * Gate activations, collected while a probe is running: a cell's step reports the
 * tensors it wants histogrammed (`observe('forget', f)`), and the probe keeps their
 * values only between `begin` and `end`, so training steps pay nothing.
 */
import type { Tensor } from '@tapestry/core';

/** Which fixed range an activation lives in, for its histogram's bins. */
export type ActivationKind = 'sigmoid' | 'tanh';

/** The histogram of one named activation over a probe run. */
export interface GateHistogram {
  readonly name: string;
  readonly kind: ActivationKind;
  /** The bins' lower edge; they are equally wide and cover the kind's range. */
  readonly low: number;
  readonly high: number;
  /** Fraction of values in each bin (sums to 1). */
  readonly fractions: number[];
  /** Fraction of values within 5% of the range's ends: saturated units pass no gradient. */
  readonly saturated: number;
}

const BINS = 24;
const rangeOf: Record<ActivationKind, [number, number]> = { sigmoid: [0, 1], tanh: [-1, 1] };

/** Collects named activations while active. */
export class ActivationProbe {
  private active = false;
  private readonly counts = new Map<string, number>();
  private readonly bins = new Map<string, { kind: ActivationKind; counts: number[]; saturated: number; total: number }>();

  /** Whether a probe run is in progress (cells may skip work for it otherwise). */
  get recording(): boolean {
    return this.active;
  }

  /** Starts a new step: unnamed observations are numbered from 1 again. */
  beginStep(): void {
    this.counts.clear();
  }

  /**
   * Records `t` under `name` (or under `kind` numbered by call order within the step, e.g.
   * `sigmoid 2`) when a probe is running; returns `t` unchanged.
   */
  observe(kind: ActivationKind, t: Tensor, name?: string): Tensor {
    if (!this.active) return t;
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    const key = name ?? `${kind} ${n}`;
    let entry = this.bins.get(key);
    if (entry === undefined) this.bins.set(key, (entry = { kind, counts: new Array<number>(BINS).fill(0), saturated: 0, total: 0 }));
    const [low, high] = rangeOf[kind];
    const width = (high - low) / BINS;
    const margin = 0.05 * (high - low);
    for (let i = 0; i < t.size; i++) {
      const v = t.data[i];
      const bin = Math.min(BINS - 1, Math.max(0, Math.floor((v - low) / width)));
      entry.counts[bin]++;
      if (v < low + margin || v > high - margin) entry.saturated++;
    }
    entry.total += t.size;
    return t;
  }

  /** Runs `fn` with the probe recording; returns the histograms of everything observed. */
  run(fn: () => void): GateHistogram[] {
    this.bins.clear();
    this.active = true;
    try {
      fn();
    } finally {
      this.active = false;
    }
    return [...this.bins].map(([name, e]) => {
      const [low, high] = rangeOf[e.kind];
      return { name, kind: e.kind, low, high, fractions: e.counts.map((c) => c / Math.max(e.total, 1)), saturated: e.saturated / Math.max(e.total, 1) };
    });
  }
}
