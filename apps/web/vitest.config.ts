import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'web',
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['../../packages/testkit/src/global-setup.ts', './e2e/build.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // After every other project: a real browser's rendering shares the 2 cores badly with the
    // suites that start servers, workers and Chromiums of their own (React Flow nodes stayed
    // unmeasured, hence hidden, for 30 s when the api suite ran alongside).
    sequence: { groupOrder: 1 },
  },
});
