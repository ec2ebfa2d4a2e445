// vitest globalSetup: one throwaway Postgres and Redis per test project, handed to test files
// through `inject('pgUrl')` / `inject('redisUrl')`. Each test file makes its own database.
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './postgres.ts';
import { startRedis, type RedisServer } from './redis.ts';
import './provided-context.ts';

let pg: PostgresServer | undefined;
let redis: RedisServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  project.provide('pgUrl', pg.url);
  project.provide('redisUrl', redis.url);
  project.provide('redisPort', redis.port);
}

export async function teardown(): Promise<void> {
  await Promise.all([pg?.stop(), redis?.stop()]);
}
