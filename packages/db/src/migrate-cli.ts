// Applies the migrations to DATABASE_URL (or the embedded PGlite folder) and exits:
// `tsx packages/db/src/migrate-cli.ts`. Also used by the test that races two processes.
import { createDb } from './client.ts';
import { migrate } from './migrate.ts';

const client = await createDb({
  url: process.env.DATABASE_URL || undefined,
  dataDir: process.env.WAFLOW_DATA_DIR ? `${process.env.WAFLOW_DATA_DIR}/pglite` : undefined,
});
try {
  await migrate(client);
  console.log('migrations applied');
} finally {
  await client.close();
}
