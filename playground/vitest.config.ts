import { defineProject } from 'vitest/config';
import { sharedTestOptions } from '../vitest.shared.js';

// The end-to-end tests share one browser and one build: run them in order, in one file.
export default defineProject({ test: { ...sharedTestOptions, name: 'playground', include: ['test/**/*.test.ts'] } });
