import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'flow', testTimeout: 30_000 },
});
