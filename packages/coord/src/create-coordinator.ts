// Picks the coordination: Redis when a Redis URL is configured, in-process otherwise.
import type { Coordinator, CoordinatorEvents } from './coordinator.ts';
import { createInProcessCoordinator } from './in-process.ts';
import { createRedisCoordinator } from './redis.ts';

export interface CreateCoordinatorOptions extends CoordinatorEvents {
  /** REDIS_URL; in-process coordination (one process only) when unset or empty. */
  redisUrl?: string;
  prefix?: string;
  connectWaitMs?: number;
}

export function createCoordinator(opts: CreateCoordinatorOptions = {}): Coordinator {
  const { redisUrl, ...rest } = opts;
  return redisUrl
    ? createRedisCoordinator({ ...rest, url: redisUrl })
    : createInProcessCoordinator(rest);
}
