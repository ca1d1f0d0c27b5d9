import { fileURLToPath } from 'node:url';

// Test options every project shares. Property tests scale with TAPESTRY_NUM_RUNS (the
// nightly setting), so their time limit does too.
const nightly = process.env.TAPESTRY_NUM_RUNS !== undefined;

export const sharedTestOptions = {
  testTimeout: nightly ? 1_800_000 : 60_000,
  hookTimeout: 60_000,
  // Seeds fast-check: fixed by default so a red CI run is reproducible, fresh per run at night.
  setupFiles: [fileURLToPath(new URL('./vitest.fast-check-seed.ts', import.meta.url))],
};
