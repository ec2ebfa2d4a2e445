import { afterAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { startPostgres, type PostgresServer } from './postgres.ts';
import { startRedis, type RedisServer } from './redis.ts';
import { createTestDatabase } from './database.ts';

describe('throwaway servers', () => {
  let pg: PostgresServer | undefined;
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await pg?.stop();
    await redis?.stop();
  });

  it('starts a real PostgreSQL that answers queries in its own database', async () => {
    pg = await startPostgres();
    const db = await createTestDatabase(pg.url);
    const sql = postgres(db.url, { max: 1 });
    const [row] = await sql<
      { v: string; db: string }[]
    >`select version() as v, current_database() as db`;
    await sql.end();
    await db.drop();
    expect(row?.v).toMatch(/PostgreSQL/);
    expect(row?.db).toBe(db.name);
  });

  it('starts a real Redis that can be stopped and started again on the same port', async () => {
    redis = await startRedis();
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    await redis.stop();
    await redis.start();
    const again = new Redis(redis.url, { lazyConnect: true });
    await again.connect();
    expect(await again.set('k', 'v')).toBe('OK');
    again.disconnect();
  });
});
