import { defineProject } from 'vitest/config';
import { sharedTestOptions } from '../../vitest.shared.js';

export default defineProject({
  // Property tests and the pack-and-install test can exceed vitest's 5 s default on a
  // loaded 2-core machine; the whole suite still runs in well under a minute.
  test: { ...sharedTestOptions, name: 'core', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
