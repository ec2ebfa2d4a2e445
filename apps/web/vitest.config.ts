import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'web',
    include: ['e2e/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['../../packages/testkit/src/global-setup.ts', './e2e/build.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
