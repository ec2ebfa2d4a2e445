import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'runtime',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // *.case.test.ts are shared suites, run by the files that import them.
    exclude: [...configDefaults.exclude, '**/*.case.test.ts'],
    globalSetup: ['../../packages/testkit/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
