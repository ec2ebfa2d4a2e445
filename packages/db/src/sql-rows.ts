// Rows of a raw `db.execute(sql…)`: postgres.js answers with the row array itself, PGlite with
// `{ rows }`. One place that knows both, so callers of raw SQL read rows the same way.
import type { Query, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from './client.ts';

function rowsOf<T>(res: unknown): T[] {
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: unknown[] }).rows ?? []) as T[];
}

export async function executeRows<T>(db: Database, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/**
 * The text of a uuid[] parameter, for a Statement's placeholder (`${sql.placeholder('ids')}::uuid[]`).
 * Updates that join rows unpacked from JSON also say `id = any(<this>)`: the planner cannot see
 * how many rows a JSON function yields and may scan the whole table; with the array it looks each
 * row up by its key.
 */
export function uuidArrayText(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

const dialect = new PgDialect();

/**
 * A statement of a hot path, rendered to SQL text once, when its module loads; a run only fills
 * in its parameters, written `sql.placeholder('name')`. Drizzle renders a `sql` template again
 * on every call, and for the inbound path's long statements that was a fifth of the runtime's
 * CPU per message (bench:pipeline). The same text is what Postgres prepares once per connection.
 */
export class Statement<P extends Record<string, unknown>> {
  private readonly query: Query;

  constructor(query: SQL) {
    this.query = dialect.sqlToQuery(query);
  }

  /** Runs on `db` (or a transaction) and answers the rows, on Postgres and PGlite alike. */
  async rows<T = Record<string, unknown>>(db: Database, params: P): Promise<T[]> {
    return rowsOf<T>(
      await db._.session.prepareQuery(this.query, undefined, undefined, false).execute(params),
    );
  }
}

export function statement<P extends Record<string, unknown>>(query: SQL): Statement<P> {
  return new Statement<P>(query);
}
