// Applies the checked-in migrations (root migrations/) at start-up. On Postgres it holds an
// advisory lock on its own connection, so processes starting together take turns.
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { DbClient } from './client.ts';

export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));
/** An arbitrary constant: the advisory lock key for migrations ("waflow" in ASCII). */
const LOCK_KEY = 0x7761666c6f77;

export async function migrate(client: DbClient): Promise<void> {
  if (client.kind === 'pglite') {
    // One process owns a PGlite folder: no lock needed.
    if (!client.pglite) throw new Error('migrate() on PGlite needs the client created by createDb');
    const [{ drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ]);
    await migratePglite(drizzlePglite(client.pglite), { migrationsFolder });
    return;
  }
  if (!client.url) throw new Error('migrate() on Postgres needs the client created with a URL');
  const sql = postgres(client.url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
