// Rows of a raw `db.execute(sql…)`: postgres.js answers with the row array itself, PGlite with
// `{ rows }`. One place that knows both, so callers of raw SQL read rows the same way.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';

export async function executeRows<T>(db: Database, query: SQL): Promise<T[]> {
  const res: unknown = await db.execute(query);
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: unknown[] }).rows ?? []) as T[];
}

/**
 * A uuid[] parameter. Updates that join rows unpacked from JSON also say `id = any(<this>)`: the
 * planner cannot see how many rows a JSON function yields and may scan the whole table; with the
 * array it looks each row up by its key.
 */
export function uuidArray(ids: readonly string[]): SQL {
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}
