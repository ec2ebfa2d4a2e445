import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'db',
    // *.case.test.ts are shared suites, run by the files that import them.
    exclude: [...configDefaults.exclude, '**/*.case.test.ts'],
    globalSetup: ['../testkit/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
