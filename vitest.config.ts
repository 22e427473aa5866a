import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Threads crash Temporal's native bridge: one process per test file.
    pool: 'forks',
    globalSetup: ['./tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ['tests/**/*.test.ts'],
    // Two cores: keep the heavy e2e files from starving each other.
    maxWorkers: 2,
  },
});
