import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'testkit', testTimeout: 120_000, hookTimeout: 300_000 },
});
