// Rows of a raw `db.execute(sql…)`: postgres.js answers with the row array itself, PGlite with
// `{ rows }`. One place that knows both, so callers of raw SQL read rows the same way.
import type { SQL } from 'drizzle-orm';
import type { Database } from './client.ts';

export async function executeRows<T>(db: Database, query: SQL): Promise<T[]> {
  const res: unknown = await db.execute(query);
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: unknown[] }).rows ?? []) as T[];
}
