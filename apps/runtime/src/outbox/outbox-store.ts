// The outbox sender's view of the outbox table on Postgres/PGlite. Rows are claimed with
// FOR UPDATE SKIP LOCKED, so two senders never take the same row.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { schema, statement, subscribedEndpoints, uuidArrayText, type Database } from '@waflow/db';
import type { OutboundMessage } from '@waflow/channel';
import { Batcher } from '../batching/batcher.ts';
import { failOutboxRow } from './outbox-failure.ts';
import type { OutboxRow, OutboxStore } from './outbox-sender.ts';

// The sender's statements, rendered once (see Statement in @waflow/db).
// Each contact's first due row goes to the channel as soon as the claim answers (the sender sends
// a contact's rows one after another): the claim records it as handed, saving the row a second
// update. The contact's later rows are recorded by markHanded when their turn comes.
const claimStatement = statement<{ numberId: string; now: string; limit: number }>(sql`
  with due as (
    select id, payload->>'to' as contact, priority, seq from ${schema.outbox}
    where number_id = ${sql.placeholder('numberId')} and status = 'queued' and next_attempt_at <= ${sql.placeholder('now')}::timestamptz
    order by priority desc, seq
    limit ${sql.placeholder('limit')}
    for update skip locked
  ), heads as (
    select distinct on (contact) id from due order by contact, priority desc, seq
  )
  update ${schema.outbox} o set status = 'sending', attempts = o.attempts + 1,
    handed_at = case when o.id in (select id from heads) then ${sql.placeholder('now')}::timestamptz end
  from due where o.id = due.id
  returning o.id, o.number_id, o.attempts, o.payload, o.priority, o.seq, o.handed_at is not null as handed,
    o.interrupted_at is not null as interrupted`);

const handedStatement = statement<{ rows: string; ids: string }>(sql`
  update ${schema.outbox} o set handed_at = h.at
  from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as h(id uuid, at timestamptz)
  where o.id = h.id and o.id = any(${sql.placeholder('ids')}::uuid[])`);

// One statement (one round trip) for the outbox rows, their transcript rows and the
// `message.sent` webhook deliveries: the hot path of every reply, atomic.
const sentStatement = statement<{ rows: string; ids: string }>(sql`
  with input as (
    select * from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as i(id uuid, "providerMessageId" text, at text)
  ), sent as (
    update ${schema.outbox} o set status = 'sent', provider_message_id = i."providerMessageId", sent_at = i.at::timestamptz, error = null
    from input i where o.id = i.id and o.id = any(${sql.placeholder('ids')}::uuid[])
    returning o.id, o.message_id, o.number_id, o.conversation_id, o.payload, i."providerMessageId" as provider, i.at
  ), msg as (
    update ${schema.messages} m set wa_message_id = s.provider, sent_at = s.at::timestamptz,
      status = case when m.status = 'pending' then 'sent' else m.status end
    from sent s where m.id = s.message_id
    returning m.id, m.author, m.type, m.body, s.id as outbox_id
  )
  insert into ${schema.webhookDeliveries} (endpoint_id, event_id, event_type, payload, next_attempt_at)
  select ep.id, 'evt_sent_' || sent.id, 'message.sent',
    jsonb_build_object('id', 'evt_sent_' || sent.id, 'type', 'message.sent', 'timestamp', sent.at,
      'data', jsonb_build_object('messageId', msg.id, 'numberId', sent.number_id, 'conversationId', sent.conversation_id,
        'contact', sent.payload->>'to', 'type', msg.type, 'text', msg.body, 'author', msg.author, 'providerMessageId', sent.provider)),
    sent.at::timestamptz
  from sent
  join msg on msg.outbox_id = sent.id
  join ${schema.numbers} n on n.id = sent.number_id
  ${subscribedEndpoints(sql`n.workspace_id`, sql`'message.sent'`, sql`n.id`)}
  on conflict do nothing`);

/**
 * Rows a commit wrote as `sending` for a sender that is gone (the number was detached meanwhile):
 * nothing was handed to a channel, so they are queued again for whoever serves the number next.
 */
export async function requeueUnsent(db: Database, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(schema.outbox)
    .set({
      status: 'queued',
      handedAt: null,
      attempts: sql`greatest(${schema.outbox.attempts} - 1, 0)`,
    })
    .where(and(inArray(schema.outbox.id, [...ids]), eq(schema.outbox.status, 'sending')));
}

/** Why a reply handed over before a crash, on a channel that cannot look it up, was not resent. */
export const INTERRUPTED_REASON =
  'interrupted while sending (the process stopped); this channel cannot tell whether it went out, so it was not sent again (no duplicate): resend it from the inbox if the contact did not get it';

export function createOutboxStore(db: Database): OutboxStore & {
  recoverSending(
    numberId: string,
    opts: { lookUp: boolean },
  ): Promise<{ lookedUp: number; failed: number }>;
} {
  // Rows handed over and rows sent are recorded a batch at a time: every reply of a busy number
  // passes here twice, and each contact's sends run side by side.
  const handed = new Batcher<{ id: string; at: Date }>(async (rows) => {
    await handedStatement.rows(db, {
      rows: JSON.stringify(rows),
      ids: uuidArrayText(rows.map((r) => r.id)),
    });
    return rows.map(() => undefined);
  });
  const sent = new Batcher<{ id: string; providerMessageId: string; at: Date }>(async (rows) => {
    await sentStatement.rows(db, {
      rows: JSON.stringify(rows),
      ids: uuidArrayText(rows.map((r) => r.id)),
    });
    return rows.map(() => undefined);
  });
  return {
    async claimDue(numberId, limit, now) {
      const list = await claimStatement.rows<{
        id: string;
        number_id: string;
        attempts: number;
        payload: OutboundMessage;
        priority: number;
        seq: string | number;
        handed: boolean;
        interrupted: boolean;
      }>(db, {
        numberId,
        now: now.toISOString(),
        limit,
      });
      // RETURNING does not keep the subquery's order: sort again (a turn's replies go out in order).
      return list
        .sort((a, b) => b.priority - a.priority || Number(a.seq) - Number(b.seq))
        .map((r): OutboxRow => ({
          id: r.id,
          numberId: r.number_id,
          attempts: r.attempts,
          message: r.payload,
          handed: r.handed,
          ...(r.interrupted ? { interrupted: true } : {}),
        }));
    },
    markHanded: (id, now) => handed.add({ id, at: now }),
    markSent: (id, providerMessageId, now) => sent.add({ id, providerMessageId, at: now }),
    async markRetry(id, nextAttemptAt, error, opts) {
      await db
        .update(schema.outbox)
        .set({
          status: 'queued',
          nextAttemptAt,
          error,
          ...(opts?.interrupted ? { interruptedAt: new Date() } : {}),
        })
        .where(eq(schema.outbox.id, id));
    },
    markFailed: (id, error) => failOutboxRow(db, id, error),
    /**
     * Rows left in `sending` by a process that died. Never handed to the channel: queued again
     * (nothing went out). Handed over: they may or may not have reached the network. A channel
     * that can look a message up (`lookUp`, Channel.findHanded) gets them queued again, marked
     * interrupted: the sender asks the channel first and sends only what is not there. Otherwise
     * they are failed with the reason — message failed, `message.failed` — never sent twice.
     * Also settles replies an older version left failed in the outbox but `pending` in the
     * transcript.
     */
    async recoverSending(numberId, { lookUp }) {
      const now = new Date();
      await db
        .update(schema.outbox)
        .set({ status: 'queued', attempts: sql`${schema.outbox.attempts} - 1` })
        .where(
          and(
            eq(schema.outbox.numberId, numberId),
            eq(schema.outbox.status, 'sending'),
            isNull(schema.outbox.handedAt),
          ),
        );
      const interrupted = and(
        eq(schema.outbox.numberId, numberId),
        eq(schema.outbox.status, 'sending'),
      );
      const stale = await db
        .select({ id: schema.outbox.id, error: schema.outbox.error })
        .from(schema.outbox)
        .innerJoin(schema.messages, eq(schema.messages.id, schema.outbox.messageId))
        .where(
          and(
            eq(schema.outbox.numberId, numberId),
            eq(schema.outbox.status, 'failed'),
            eq(schema.messages.status, 'pending'),
          ),
        );
      for (const r of stale) await failOutboxRow(db, r.id, r.error ?? INTERRUPTED_REASON, now);
      if (lookUp) {
        const rows = await db
          .update(schema.outbox)
          .set({ status: 'queued', interruptedAt: now, nextAttemptAt: now })
          .where(interrupted)
          .returning({ id: schema.outbox.id });
        return { lookedUp: rows.length, failed: stale.length };
      }
      const rows = await db.select({ id: schema.outbox.id }).from(schema.outbox).where(interrupted);
      for (const r of rows) await failOutboxRow(db, r.id, INTERRUPTED_REASON, now);
      return { lookedUp: 0, failed: rows.length + stale.length };
    },
  };
}
