import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Threads crash Temporal's native bridge: one process per test file.
    pool: 'forks',
    globalSetup: ['./tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep the heavy e2e files from starving each other.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'main', include: ['tests/**/*.test.ts'], exclude: ['tests/time-skipping/**'] } },
      // Time-skipping tests run against their own test server, one file at a time.
      { extends: true, test: { name: 'time-skipping', include: ['tests/time-skipping/**/*.test.ts'], fileParallelism: false } },
    ],
  },
});
