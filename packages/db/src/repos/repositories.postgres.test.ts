import { inject } from 'vitest';
import { createTestDatabase } from '@waflow/testkit';
import { createDb } from '../client.ts';
import type { Target } from './repositories.case-harness.ts';
import { runFlowsContract } from './repositories.flows.case.test.ts';
import { runRetentionContract } from './repositories.retention.case.test.ts';
import { runStorageContract } from './repositories.storage.case.test.ts';

const target: Target = {
  name: 'real Postgres',
  create: async () => createDb({ url: (await createTestDatabase(inject('pgUrl'))).url }),
};
runFlowsContract(target);
runStorageContract(target);
runRetentionContract(target);
