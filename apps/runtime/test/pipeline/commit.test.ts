// The commit of a batch of turns (one statement), on real Postgres and on PGlite: a turn whose
// sender reserved pacing gets its replies back as `sending` to hand over at once, unless the
// contact still has a reply queued; a stale fence anywhere in the batch writes nothing at all.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
  createConversation,
  createDb,
  insertInboundEvent,
  migrate,
  schema,
  upsertContacts,
  writeCheckpoint,
  type DbClient,
} from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { commitTurns, StaleFenceError } from '../../src/pipeline/commit-turns.ts';
import { emptyTurn, type TurnWrites } from '../../src/pipeline/turn-plan.ts';
import { freshDatabase, seedNumberWithFlow } from '../fixtures.ts';

describe.each([
  ['real Postgres', () => freshDatabase(inject('pgUrl'))],
  [
    'PGlite',
    async () => {
      const client = await createDb({ dataDir: 'memory://' });
      await migrate(client);
      return client;
    },
  ],
] as const)('commitTurns on %s', (_name, open) => {
  let client: DbClient;
  let seed: Awaited<ReturnType<typeof seedNumberWithFlow>>;
  let contactN = 0;
  const now = new Date('2026-12-02T09:00:00Z');

  beforeAll(async () => {
    client = await open();
    seed = await seedNumberWithFlow(client, echoFlow);
  });
  afterAll(() => client.close());

  /** A contact with an open conversation and an event being processed. */
  async function conversation() {
    const waId = `3461000${String(++contactN).padStart(4, '0')}@c.us`;
    const [contact] = await upsertContacts(client.db, [
      { workspaceId: seed.workspaceId, numberId: seed.numberId, waId },
    ]);
    if (!contact) throw new Error('no contact');
    const conv = await createConversation(client.db, {
      workspaceId: seed.workspaceId,
      numberId: seed.numberId,
      contactId: contact.id,
      flowId: seed.flowId,
      flowVersionId: seed.versionId,
    });
    const ev = await insertInboundEvent(client.db, {
      numberId: seed.numberId,
      waMessageId: `wa-${waId}`,
      fromWaId: waId,
      payload: { kind: 'message' },
    });
    await client.db
      .update(schema.inboundEvents)
      .set({ status: 'processing', attempts: 1 })
      .where(eq(schema.inboundEvents.id, ev.id));
    return { waId, conversationId: conv.id, eventId: ev.id };
  }

  function turn(
    c: Awaited<ReturnType<typeof conversation>>,
    texts: string[],
    fence: number,
    direct: boolean,
  ): TurnWrites {
    const t = emptyTurn();
    t.events = [{ id: c.eventId, status: 'processed', error: null }];
    t.checkpoint = {
      conversationId: c.conversationId,
      state: { fence },
      fence,
    } as unknown as NonNullable<TurnWrites['checkpoint']>;
    t.sends = texts.map((text, i) => ({
      messageId: crypto.randomUUID(),
      workspaceId: seed.workspaceId,
      numberId: seed.numberId,
      conversationId: c.conversationId,
      idempotencyKey: `${c.conversationId}:send${i}:${fence}`,
      type: 'text',
      body: text,
      payload: { to: c.waId, type: 'text', text },
      at: now,
    }));
    t.conversationUpdate = { id: c.conversationId, status: 'waiting', at: now };
    t.direct = direct;
    return t;
  }

  const outboxOf = (conversationId: string) =>
    client.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.conversationId, conversationId))
      .orderBy(schema.outbox.seq);
  const eventOf = async (id: string) =>
    (await client.db.select().from(schema.inboundEvents).where(eq(schema.inboundEvents.id, id)))[0];

  it('answers a direct turn’s replies, in order, written as sending with the first recorded as handed', async () => {
    const a = await conversation();
    const b = await conversation();
    const [direct, queued] = await commitTurns(client.db, [
      turn(a, ['one', 'two'], 1, true),
      turn(b, ['three'], 1, false),
    ]);
    expect(
      direct?.map((r) => [r.message.type === 'text' ? r.message.text : '', r.handed, r.attempts]),
    ).toEqual([
      ['one', true, 1],
      ['two', false, 1],
    ]);
    expect(queued).toEqual([]);
    expect(
      (await outboxOf(a.conversationId)).map((r) => [r.status, r.handedAt?.toISOString() ?? null]),
    ).toEqual([
      ['sending', now.toISOString()],
      ['sending', null],
    ]);
    expect((await outboxOf(b.conversationId)).map((r) => [r.status, r.attempts])).toEqual([
      ['queued', 0],
    ]);
    expect(await eventOf(a.eventId)).toMatchObject({ status: 'processed' });
    // The transcript has a line per reply, in order.
    const lines = await client.db
      .select()
      .from(schema.messages)
      .where(eq(schema.messages.conversationId, a.conversationId))
      .orderBy(schema.messages.seq);
    expect(lines.map((m) => [m.direction, m.body, m.status])).toEqual([
      ['out', 'one', 'pending'],
      ['out', 'two', 'pending'],
    ]);
  });

  it('queues a direct turn’s replies behind a reply to the same contact that is still queued', async () => {
    const a = await conversation();
    await client.db.insert(schema.outbox).values({
      numberId: seed.numberId,
      conversationId: a.conversationId,
      idempotencyKey: `earlier-${a.conversationId}`,
      payload: { to: a.waId, type: 'text', text: 'earlier' },
      nextAttemptAt: new Date(now.getTime() - 1000),
    });
    const [handed] = await commitTurns(client.db, [turn(a, ['later'], 1, true)]);
    expect(handed).toEqual([]);
    expect(
      (await outboxOf(a.conversationId)).map((r) => [r.payload, r.status, r.handedAt]),
    ).toEqual([
      [{ to: a.waId, type: 'text', text: 'earlier' }, 'queued', null],
      [{ to: a.waId, type: 'text', text: 'later' }, 'queued', null],
    ]);
  });

  it('refuses a batch with a stale fence as a whole: no row of any of its turns is written', async () => {
    const fresh = await conversation();
    const stale = await conversation();
    expect(await writeCheckpoint(client.db, stale.conversationId, { newer: true }, 10)).toBe(true);
    await expect(
      commitTurns(client.db, [turn(fresh, ['fine'], 1, true), turn(stale, ['stale'], 5, true)]),
    ).rejects.toThrow(StaleFenceError);
    await expect(commitTurns(client.db, [turn(stale, ['stale'], 5, false)])).rejects.toThrow(
      new RegExp(`a newer holder checkpointed conversation ${stale.conversationId}`),
    );
    expect(await outboxOf(fresh.conversationId)).toEqual([]);
    expect(await outboxOf(stale.conversationId)).toEqual([]);
    expect(await eventOf(fresh.eventId)).toMatchObject({ status: 'processing' });
    const [kept] = await client.db
      .select()
      .from(schema.conversationCheckpoints)
      .where(eq(schema.conversationCheckpoints.conversationId, stale.conversationId));
    expect(kept).toMatchObject({ fence: 10, state: { newer: true } });
    // The fresh turn alone goes through.
    const [handed] = await commitTurns(client.db, [turn(fresh, ['fine'], 1, true)]);
    expect(handed).toHaveLength(1);
  });
});
