import { inject } from 'vitest';
import { createTestDatabase } from '@waflow/testkit';
import { createDb } from '../client.ts';
import { runContract } from './repositories.case.test.ts';

runContract({
  name: 'real Postgres',
  create: async () => createDb({ url: (await createTestDatabase(inject('pgUrl'))).url }),
});
