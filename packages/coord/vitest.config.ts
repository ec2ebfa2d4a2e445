import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'coord',
    exclude: [...configDefaults.exclude, '**/*.case.test.ts'],
    globalSetup: ['../testkit/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
