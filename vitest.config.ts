import { defineConfig } from 'vitest/config';

// One root config; every package is a project so `pnpm test` runs them all and
// `vitest --project core` runs one.
export default defineConfig({
  test: {
    projects: ['packages/*', 'golden', 'examples', 'playground'],
  },
});
