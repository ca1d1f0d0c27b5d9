import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { sharedTestOptions } from '../../vitest.shared.js';

const source = (file: string): string => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineProject({
  // Core's tests import its sources; `@tapestry/core` (from a test, or from the native
  // backend's build that the kernel suites load) resolves to the same sources, so the
  // process holds one copy of core — two would trip the single-copy guard.
  resolve: {
    alias: [
      { find: /^@tapestry\/core$/, replacement: source('index.ts') },
      { find: /^@tapestry\/core\/testing$/, replacement: source('testing/index.ts') },
      { find: /^@tapestry\/core\/node$/, replacement: source('node/index.ts') },
    ],
  },
  // Property tests and the pack-and-install test can exceed vitest's 5 s default on a
  // loaded 2-core machine; the whole suite still runs in well under a minute.
  test: { ...sharedTestOptions, name: 'core', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
