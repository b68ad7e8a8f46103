import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start the CLI and worker threads; give them room on a 2-core machine.
    testTimeout: 60_000,
    // Two files at a time on a 2-core machine: most wait on child processes or sockets, and one
    // at a time left a core idle (docs/performance.md).
    maxWorkers: 2,
    hookTimeout: 60_000,
  },
});
