// The inbound path after persistence: lock the conversation, claim the contact's next event with
// the state it resumes from (one read), advance the flow, and commit everything the turn decided
// in one transaction fenced by the lock's token — shared with the turns of other conversations
// committing at the same moment (group commit). See ARCHITECTURE.md, "Inbound path".
import { conversationLockKey, type Coordinator } from '@waflow/coord';
import type { Database } from '@waflow/db';
import type { FlowLoader } from '../flows/flow-loader.ts';
import type { Counters } from '@waflow/telemetry';
import type { Logger } from '../observability/logger.ts';
import type { ClaimedEvent, ClaimKey } from './claim-event.ts';
import type { Batcher } from '../batching/batcher.ts';
import type { OutboxRow } from '../outbox/outbox-sender.ts';
import type { TurnWrites } from './turn-plan.ts';
import { planTurn } from './plan-turn.ts';
import { releaseClaim } from './text-burst.ts';

export { StaleFenceError } from './commit-turns.ts';

export interface PipelineDeps {
  db: Database;
  coord: Coordinator;
  flows: FlowLoader;
  log: Logger;
  counters: Counters;
  now: () => number;
  /** Writes contacts that are new or renamed, several at once. */
  contacts: Batcher<ContactInput, { id: string; name: string | null }>;
  /** Claims contacts' next events, several contacts' at once (see claim-event.ts). */
  claims: Batcher<ClaimKey, ClaimedEvent | undefined>;
  /** Commits turns, several conversations' at once (group commit, see commit-turns.ts); answers each turn's replies written as `sending`. */
  committer: Batcher<TurnWrites, OutboxRow[]>;
  /** Told when a turn queued messages for a number (wakes its outbox sender). */
  onOutbox?: (numberId: string) => void;
  /** The senders of the numbers served here: a turn's replies skip the queue when pacing allows (see OutboxSender.reserve). */
  senders?: {
    reserve(numberId: string, contact: string, count: number): boolean;
    release(numberId: string, count: number): void;
    handOver(numberId: string, rows: OutboxRow[]): void;
  };
  /** Test seam: runs after advance(), before the commit (crash and stale-holder tests pause here). */
  beforeCommit?: () => Promise<void>;
}

/** An event whose turn failed after it was claimed (the scheduler retries it, or gives up). */
export class TurnFailedError extends Error {
  constructor(
    readonly eventId: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export type ProcessOutcome =
  | { kind: 'none' }
  | { kind: 'processed'; more: boolean }
  /** A debounced burst is still arriving: look again at `atMs`. */
  | { kind: 'wait'; atMs: number };

export interface ContactInput {
  workspaceId: string;
  numberId: string;
  waId: string;
  name: string | null;
}

/** Processes the contact's next event under its conversation lock. */
export async function processNext(
  deps: PipelineDeps,
  numberId: string,
  fromWaId: string,
): Promise<ProcessOutcome> {
  const waitStarted = deps.now();
  return deps.coord.withLock(conversationLockKey(numberId, fromWaId), async ({ fence }) => {
    deps.counters.observe('lock_wait', deps.now() - waitStarted);
    // Claimed under the lock: another holder may have processed it meanwhile.
    const ev = await deps.claims.add({ numberId, fromWaId });
    if (!ev) return { kind: 'none' };
    try {
      const planned = await planTurn(deps, ev, fence);
      if ('waitUntil' in planned) {
        await releaseClaim(deps.db, ev.id);
        return { kind: 'wait', atMs: planned.waitUntil };
      }
      if (planned.advanced) await deps.beforeCommit?.();
      const { turn } = planned;
      const replies = turn.sends.length;
      turn.direct =
        replies > 0 &&
        deps.senders !== undefined &&
        deps.senders.reserve(numberId, fromWaId, replies);
      let handed: OutboxRow[];
      try {
        handed = await deps.committer.add(turn);
      } catch (err) {
        if (turn.direct) deps.senders?.release(numberId, replies);
        throw err;
      }
      deps.counters.inc('inbound_processed_total', turn.events.length);
      // Persisted → handled: the inbound-to-outbox latency of the architecture.
      deps.counters.observe('pipeline_latency', Math.max(0, deps.now() - ev.receivedAt.getTime()));
      if (turn.direct && handed.length < replies)
        deps.senders?.release(numberId, replies - handed.length);
      if (handed.length > 0) deps.senders?.handOver(numberId, handed);
      if (handed.length < replies) deps.onOutbox?.(numberId);
      return { kind: 'processed', more: ev.more };
    } catch (err) {
      throw new TurnFailedError(ev.id, ev.attempts, err);
    }
  });
}
