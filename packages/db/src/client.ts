// The database client: postgres.js against DATABASE_URL, or embedded PGlite in a data folder when
// no URL is set (so `npm start` needs no server). Both behind one drizzle API, plus LISTEN/NOTIFY.
import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbClient {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** The postgres:// URL (postgres only): migrations open their own locked connection with it. */
  url?: string;
  /** The embedded database (pglite only): for its own tools (migrator, dumpDataDir). */
  pglite?: PGlite;
  /** Runs SQL text (migrations, locks); parameters as $1, $2… */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<T[]>;
  notify(channel: string, payload: string): Promise<void>;
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** postgres:// URL; unset → embedded PGlite. */
  url?: string;
  /** PGlite data folder (default ./data/pglite); `memory://` keeps it in memory. */
  dataDir?: string;
  /** postgres.js pool size (default 10). */
  max?: number;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel))
    throw new Error(`"${channel}" is not a valid notification channel name`);
}

/**
 * The postgres.js client drizzle runs on, with every query a named prepared statement (postgres.js'
 * own default; drizzle asks for unnamed ones unless a query is given a name). Postgres then parses
 * and plans each distinct statement once per connection instead of on every call: on the
 * inbound path that halves the database's CPU per message (bench:pipeline).
 */
function preparing<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'unsafe') {
        return (
          query: string,
          params?: postgres.ParameterOrJSON<never>[],
          options?: postgres.UnsafeQueryOptions,
        ) => target.unsafe(query, params, { ...options, prepare: true });
      }
      // Transactions and savepoints hand drizzle a client of their own: prepare on those too.
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop();
          if (typeof fn !== 'function') return Reflect.apply(value, target, [...args, fn]);
          return Reflect.apply(value, target, [
            ...args,
            (tx: postgres.TransactionSql) => fn(preparing(tx)),
          ]);
        };
      }
      return value;
    },
  });
}

export async function createDb(opts: CreateDbOptions = {}): Promise<DbClient> {
  if (opts.url) {
    const sql = postgres(opts.url, {
      max: opts.max ?? 10,
      onnotice: () => {},
      connection: { application_name: 'waflow' },
    });
    const db: Database = drizzlePostgres(preparing(sql), { schema });
    return {
      db,
      kind: 'postgres',
      url: opts.url,
      query: async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
        (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[],
      notify: async (channel, payload) => {
        checkChannel(channel);
        await sql.notify(channel, payload);
      },
      listen: async (channel, handler) => {
        checkChannel(channel);
        const sub = await sql.listen(channel, handler);
        return () => sub.unlisten();
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const dataDir = opts.dataDir ?? './data/pglite';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // Loaded only when used: PGlite's module alone is ~40 MB of RSS a Postgres deployment never needs.
  const [{ PGlite: Embedded }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
  ]);
  const pg = await Embedded.create(dataDir);
  const db: Database = drizzlePglite(pg, { schema });
  return {
    db,
    kind: 'pglite',
    pglite: pg,
    query: async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => {
      // PGlite's query() takes one statement; exec() several without parameters.
      if (params.length === 0 && text.includes(';')) {
        const res = await pg.exec(text);
        return (res[res.length - 1]?.rows ?? []) as T[];
      }
      return (await pg.query<T>(text, params)).rows;
    },
    notify: async (channel, payload) => {
      checkChannel(channel);
      await pg.query('select pg_notify($1, $2)', [channel, payload]);
    },
    listen: async (channel, handler) => {
      checkChannel(channel);
      const unsub = await pg.listen(channel, handler);
      return async () => unsub();
    },
    close: () => pg.close(),
  };
}
