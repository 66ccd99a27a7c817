import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    // Two cores: two workers; PGlite instances are memory-hungry while they start.
    pool: 'forks',
    maxWorkers: 2,
    // Generous: spawned drbots and PostgreSQL servers start slowly on a loaded 2-core machine; a hang still fails.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
