import { createDb } from '../client.ts';
import { runContract } from './repositories.case.test.ts';

runContract({ name: 'embedded PGlite', create: () => createDb({ dataDir: 'memory://' }) });
