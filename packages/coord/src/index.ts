export type {
  Coordinator,
  CoordinatorEvents,
  HeldLock,
  LockOptions,
  LockWaitOutcome,
} from './coordinator.ts';
export { DEFAULT_TTL_MS, DEFAULT_WAIT_MS } from './coordinator.ts';
export {
  CoordError,
  CoordUnavailableError,
  LockLostError,
  LockTimeoutError,
  type CoordErrorCode,
} from './errors.ts';
export { createInProcessCoordinator } from './in-process.ts';
export { createRedisCoordinator, type RedisCoordinatorOptions } from './redis.ts';
export { createCoordinator, type CreateCoordinatorOptions } from './create-coordinator.ts';
export { conversationLockKey, withConversationLock } from './conversation-lock.ts';
