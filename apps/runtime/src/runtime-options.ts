// What a Runtime is given, the error `receive` refuses with while Redis is unreachable, and the
// sandbox channel's pacing.
import type { Coordinator } from '@waflow/coord';
import type { DbClient, Keyring } from '@waflow/db';
import type { EgressPolicy } from '@waflow/egress';
import type { Logger } from './observability/logger.ts';
import type { OutboxSenderOptions } from './outbox/outbox-sender.ts';

/**
 * Thrown by `receive(…, { canWait: true })` while the coordinator (Redis) is unreachable: the
 * caller (the simulator, an agent in the web app) is told to try again, nothing was stored.
 * Channels that cannot wait (WhatsApp does not redeliver) are still persisted, and processed
 * when Redis is back.
 */
export class RuntimeNotReadyError extends Error {
  readonly code = 'RUNTIME_NOT_READY';
  constructor(readonly retryAfterSeconds: number) {
    super(
      'Conversations are paused: the runtime cannot reach Redis. Nothing was stored; try again in a few seconds.',
    );
  }
}

/** The sandbox channel's pacing: a bucket no simulator or test empties, so in effect none. */
export const SANDBOX_PACING: OutboxSenderOptions['pacing'] = { ratePerSec: 1e9, burst: 1e9 };

export interface RuntimeOptions {
  client: DbClient;
  coord: Coordinator;
  log?: Logger;
  now?: () => number;
  egressPolicy?: EgressPolicy;
  outbox?: Partial<OutboxSenderOptions>;
  /** How often timers, webhook deliveries and the retention sweep are polled, each in its own loop (ms). */
  pollMs?: number;
  /** How often unprocessed inbound events written by other processes are looked for (ms). */
  recoverMs?: number;
  /** Decrypts webhook secrets; without it this runtime does not deliver webhooks. */
  keyring?: Keyring;
  /** Test seam, see PipelineDeps.beforeCommit. */
  beforeCommit?: () => Promise<void>;
  /** How long a person replying from the phone pauses the bot in that conversation (ms, default 1 h). */
  humanReplyPauseMs?: number;
  /** How often the coordinator's health is checked when it is Redis (ms, default 1 s). */
  coordHealthMs?: number;
  /**
   * Apply the workspaces' retention periods from a loop of this runtime (default on). The
   * WhatsApp number workers turn it off: their host sweeps once for all of them.
   */
  retention?: boolean;
  /**
   * Count analytics in the turns' commits (default on). Off only to measure what counting costs
   * (bench:analytics runs the pipeline both ways).
   */
  analytics?: boolean;
  /** Campaign pacing's jitter (tests pass a seeded one; default Math.random). */
  random?: () => number;
}
