import { createDb } from '../client.ts';
import type { Target } from './repositories.case-harness.ts';
import { runFlowsContract } from './repositories.flows.case.test.ts';
import { runRetentionContract } from './repositories.retention.case.test.ts';
import { runStorageContract } from './repositories.storage.case.test.ts';

const target: Target = {
  name: 'embedded PGlite',
  create: () => createDb({ dataDir: 'memory://' }),
};
runFlowsContract(target);
runStorageContract(target);
runRetentionContract(target);
