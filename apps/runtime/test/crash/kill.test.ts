// Crash safety, asserted from the tables: a runtime process is SIGKILLed at random points while
// 1,000 messages across 50 conversations flow; every inbound event is processed exactly once,
// no reply exists twice, no reply is left pending in the transcript, and the analytics counts
// equal the transcripts.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { kill, startChild, type Child } from './child-process.ts';

const CONTACTS = 50;
const PER_CONTACT = 20;

describe('a runtime killed at random points', () => {
  let client: DbClient;
  let numberId = '';
  const children: Child[] = [];
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ numberId } = await seedNumberWithFlow(client, echoFlow));
  });
  afterAll(async () => {
    for (const c of children) await kill(c);
    await client.close();
  });

  it(
    'processes every inbound message exactly once and never sends a reply twice',
    { timeout: 240_000 },
    async () => {
      const env = {
        DATABASE_URL: client.url ?? '',
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: `kill${Date.now()}:`,
        NUMBER_ID: numberId,
      };
      const all = Array.from({ length: CONTACTS * PER_CONTACT }, (_, i) => ({
        messageId: `k${i}`,
        from: `3460${String(i % CONTACTS).padStart(7, '0')}@c.us`,
        text: `m${Math.floor(i / CONTACTS)}`,
      }));
      const acked = new Set<string>();
      // Kill while messages are flowing, several times; each new process picks up where the last died.
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let round = 0; round < 6; round++) {
        const child = startChild(env);
        children.push(child);
        await child.ready;
        for (const m of all) if (!acked.has(m.messageId)) child.proc.send(m);
        await new Promise((r) => setTimeout(r, 150 + random() * 600));
        await kill(child);
        for (const a of child.acks) acked.add(a);
      }
      // A last process that lives: unacknowledged messages are sent again (WhatsApp redelivers).
      const last = startChild(env);
      children.push(last);
      await last.ready;
      for (const m of all) if (!acked.has(m.messageId)) last.proc.send(m);
      await waitFor(
        async () => {
          const [row] = await client.query<{ pending: number; processed: number; queued: number }>(
            `select (select count(*)::int from inbound_events where status in ('pending','processing')) as pending,
                (select count(*)::int from inbound_events where status = 'processed') as processed,
                (select count(*)::int from outbox where status in ('queued','sending')) as queued`,
          );
          return row && row.processed === all.length && row.pending === 0 && row.queued === 0
            ? row
            : undefined;
        },
        180_000,
        'every message processed and sent',
      );

      const events = await client.db
        .select()
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.numberId, numberId));
      expect(events).toHaveLength(all.length);
      expect(events.every((e) => e.status === 'processed')).toBe(true);

      const inbound = await client.db
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.messages)
        .where(eq(schema.messages.direction, 'in'));
      expect(inbound[0]?.n).toBe(all.length);

      // Exactly one reply per inbound message, in order: the first starts the conversation ("say
      // something"), every later one is echoed.
      const rows = await client.query<{
        from: string;
        seq: number;
        text: string;
        status: string;
        handed: boolean;
      }>(
        `select ct.wa_id as "from", o.seq::int as seq, o.payload->>'text' as text, o.status, o.handed_at is not null as handed
         from outbox o join conversations c on c.id = o.conversation_id join contacts ct on ct.id = c.contact_id`,
      );
      expect(rows).toHaveLength(all.length);
      const byContact = new Map<string, string[]>();
      for (const r of rows.sort((a, b) => a.seq - b.seq))
        byContact.set(r.from, [...(byContact.get(r.from) ?? []), r.text]);
      const eventOrder = new Map<string, string[]>();
      for (const e of events.sort((a, b) => a.seq - b.seq)) {
        const text = (e.payload as { message: { text: string } }).message.text;
        eventOrder.set(e.fromWaId, [...(eventOrder.get(e.fromWaId) ?? []), text]);
      }
      for (const [from, texts] of byContact) {
        const inbound = eventOrder.get(from) ?? [];
        expect(texts).toEqual(['say something', ...inbound.slice(1).map((t) => `got ${t}`)]);
      }
      const notSent = rows.filter((r) => r.status !== 'sent');
      // Only a reply the channel had in hand when the process died is failed rather than risked
      // twice (at most one per conversation per kill); a claimed one not yet handed over is sent.
      expect(notSent.every((r) => r.status === 'failed' && r.handed)).toBe(true);
      expect(notSent.length).toBeLessThanOrEqual(6 * CONTACTS);
      // The transcript says the same: no reply left pending, each failed one with its reason.
      const [mismatch] = await client.query<{ n: number }>(
        `select count(*)::int as n from outbox o join messages m on m.id = o.message_id
         where m.status = 'pending' or (o.status = 'failed' and (m.status <> 'failed' or m.error is null))`,
      );
      expect(mismatch?.n).toBe(0);

      // The analytics counts are the transcripts': added up by the same commits, never twice.
      const [counted] = await client.query<Record<string, number>>(
        `select (select coalesce(sum(count), 0)::int from analytics_hours where metric = 'messages_in') as counted_in,
            (select count(*)::int from messages where direction = 'in') as lines_in,
            (select coalesce(sum(count), 0)::int from analytics_hours where metric = 'messages_out') as counted_out,
            (select count(*)::int from messages where direction = 'out') as lines_out,
            (select coalesce(sum(count), 0)::int from analytics_hours where metric = 'started') as started,
            (select count(*)::int from conversations) as conversations,
            (select coalesce(sum(count), 0)::int from analytics_block_hours where metric = 'entered') as entered,
            (select count(*)::int from outbox) as replies`,
      );
      expect(counted).toEqual({
        counted_in: all.length,
        lines_in: all.length,
        counted_out: all.length,
        lines_out: all.length,
        started: CONTACTS,
        conversations: CONTACTS,
        // Every block the echo flow enters asks once: a block entered per reply.
        entered: all.length,
        replies: all.length,
      });
      const edges = await client.query<{ node_id: string; key: string; n: number }>(
        `select node_id, key, sum(count)::int as n from analytics_block_hours where metric = 'left' group by 1, 2 order by 1, 2`,
      );
      expect(edges).toEqual([
        { node_id: 'again', key: 'again', n: all.length - 2 * CONTACTS },
        { node_id: 'q', key: 'again', n: CONTACTS },
      ]);
    },
  );
});
