/**
 * W1 data: x = sin(linspace(0, 4π, 100)), windows of 10 → X[i] = x[i:i+10],
 * Y[i] = x[i+1:i+11] for i in 0..89. Row-major [90, 10, 1].
 */
export const SINE = { points: 100, window: 10, windows: 90 } as const;

export interface SineData {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly shape: readonly [number, number, number];
}

export function sineData(): SineData {
  const { points, window, windows } = SINE;
  const wave = Array.from({ length: points }, (_, i) => Math.sin((4 * Math.PI * i) / (points - 1)));
  const x = new Float32Array(windows * window);
  const y = new Float32Array(windows * window);
  for (let i = 0; i < windows; i++) {
    for (let j = 0; j < window; j++) {
      x[i * window + j] = wave[i + j]!;
      y[i * window + j] = wave[i + j + 1]!;
    }
  }
  return { x, y, shape: [windows, window, 1] };
}
