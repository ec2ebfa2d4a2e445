import './provided-context.ts';
export { startPostgres, type PostgresServer } from './postgres.ts';
export { startRedis, type RedisServer } from './redis.ts';
export { chromiumPath, chromiumArgs, headlessShellPath } from './chromium.ts';
export { createTestDatabase, type TestDatabase } from './database.ts';
export { ensureDebianPackage } from './debian.ts';
export { freePort, waitForPort } from './ports.ts';
export { echoFlow, shopFlow, shopScripts } from './flows.ts';
export { until } from './until.ts';
