// A Runtime's inbound scheduler, wired: new contacts, claims and commits batched across
// conversations (group commit), and each turn's replies handed to the number's outbox sender.
import { upsertContacts } from '@waflow/db';
import type { Counters } from '@waflow/telemetry';
import { Batcher } from './batching/batcher.ts';
import type { FlowLoader } from './flows/flow-loader.ts';
import type { Logger } from './observability/logger.ts';
import type { OutboxRow } from './outbox/outbox-sender.ts';
import { requeueUnsent } from './outbox/outbox-store.ts';
import type { OutboxWorker } from './outbox/outbox-worker.ts';
import { claimNextEvents, type ClaimedEvent, type ClaimKey } from './pipeline/claim-event.ts';
import { commitTurns } from './pipeline/commit-turns.ts';
import type { ContactInput } from './pipeline/process-event.ts';
import { InboundScheduler } from './pipeline/scheduler.ts';
import type { TurnWrites } from './pipeline/turn-plan.ts';
import type { RuntimeOptions } from './runtime-options.ts';

export interface RuntimeParts {
  flows: FlowLoader;
  log: Logger;
  counters: Counters;
  now: () => number;
  /** The outbox sender of a number attached here (none once it is detached). */
  outboxOf: (numberId: string) => OutboxWorker | undefined;
}

export function createInboundScheduler(opts: RuntimeOptions, rt: RuntimeParts): InboundScheduler {
  return new InboundScheduler({
    db: opts.client.db,
    coord: opts.coord,
    flows: rt.flows,
    log: rt.log,
    counters: rt.counters,
    now: rt.now,
    contacts: new Batcher<ContactInput, { id: string; name: string | null }>((inputs) =>
      upsertContacts(opts.client.db, inputs),
    ),
    // Contacts whose locks were taken at the same moment claim their events in one statement, and
    // turns ready at the same moment commit in one; what comes while the batcher is busy joins
    // the next batch, so batches grow with the load. Measured in pairs (bench:pipeline): a second
    // claim in flight made Postgres spend ~15-35% more CPU per message and lowered the
    // throughput; a second commit in flight (the commit is one statement) keeps the throughput
    // and Postgres's CPU and takes ~5 ms off the p99: a turn ready during a commit does not wait
    // for all of it.
    claims: new Batcher<ClaimKey, ClaimedEvent | undefined>((keys) =>
      claimNextEvents(opts.client.db, keys),
    ),
    committer: new Batcher<TurnWrites, OutboxRow[]>(
      (turns) => commitTurns(opts.client.db, turns, { analytics: opts.analytics !== false }),
      { concurrency: 2 },
    ),
    onOutbox: (numberId) => rt.outboxOf(numberId)?.wake(),
    senders: {
      reserve: (numberId, contact, count) =>
        rt.outboxOf(numberId)?.reserve(contact, count) ?? false,
      release: (numberId, count) => rt.outboxOf(numberId)?.release(count),
      handOver: (numberId, rows) => {
        const outbox = rt.outboxOf(numberId);
        if (outbox) outbox.handOver(rows);
        // Detached while the turn committed: nothing went out, the rows wait for the next sender.
        else
          requeueUnsent(
            opts.client.db,
            rows.map((r) => r.id),
          ).catch((err: unknown) =>
            rt.log.error({ err, numberId }, 'requeueing unsent replies failed'),
          );
      },
    },
    ...(opts.beforeCommit ? { beforeCommit: opts.beforeCommit } : {}),
  });
}
