import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that bound /healthz's latency while an attack runs (test/abuse, and the pictures' bounds)
 * measure a server's event loop, which other test files running beside them on a 2-core machine
 * would slow as much as the attack: they run after every other file, one file at a time.
 */
const LATENCY_BOUNDS = ['test/abuse/**/*.test.ts', 'test/core/render/render-bounds.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...LATENCY_BOUNDS],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'latency', include: LATENCY_BOUNDS, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
