import { expect } from 'vitest';
import type { Tensor } from '@tapestry/core';

/**
 * Compiled and op-by-op results agree to 1e-12 (absolute, or relative for larger
 * values): the same float64 operations, summed in a different order in places.
 */
export function expectAgree(what: string, a: Tensor, b: Tensor): void {
  expect(a.shape, what).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i];
    const y = b.data[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(y)));
  }
  expect(worst, `${what}: worst difference`).toBeLessThanOrEqual(1e-12);
}

/** Runs `fn` with the scans inside it compiled or not (the TAPESTRY_SCAN_COMPILE switch), optionally explaining each. */
export function withScanCompile<T>(compile: boolean, fn: () => T, explain = false): T {
  const saved = { compile: process.env.TAPESTRY_SCAN_COMPILE, explain: process.env.TAPESTRY_EXPLAIN_SCAN };
  process.env.TAPESTRY_SCAN_COMPILE = compile ? '1' : '0';
  if (explain) process.env.TAPESTRY_EXPLAIN_SCAN = '1';
  try {
    return fn();
  } finally {
    restore('TAPESTRY_SCAN_COMPILE', saved.compile);
    restore('TAPESTRY_EXPLAIN_SCAN', saved.explain);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
