// The outbox sender on real Postgres through the sandbox channel: order per contact, retries with
// backoff for transient failures, failed with the reason for permanent ones and after the
// maximum, and a crash between claiming and sending: rows never handed to the channel are sent
// after the restart, a row the channel had in hand is never sent again. A turn's replies skip the
// claim only within pacing, and go out after the contact's rows already in hand.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { OutboxSender } from '../../src/outbox/outbox-sender.ts';
import { createOutboxStore, requeueUnsent } from '../../src/outbox/outbox-store.ts';
import { freshDatabase, seedNumberWithFlow } from '../fixtures.ts';

describe('outbox sender', () => {
  let client: DbClient;
  let numberId = '';
  let channel: SandboxChannel;
  let clock = Date.parse('2026-11-25T10:00:00Z');
  const now = () => clock;

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ numberId } = await seedNumberWithFlow(client, echoFlow));
  });
  beforeEach(async () => {
    await client.db.delete(schema.outbox);
    channel = new SandboxChannel(numberId);
    await channel.start();
  });
  afterAll(async () => {
    await client.close();
  });

  async function queue(...items: [to: string, text: string][]) {
    for (const [i, [to, text]] of items.entries()) {
      await client.db.insert(schema.outbox).values({
        numberId,
        idempotencyKey: `${to}:${text}:${i}`,
        payload: { to, type: 'text', text },
        nextAttemptAt: new Date(clock),
      });
    }
  }
  const rows = () => client.db.select().from(schema.outbox).orderBy(asc(schema.outbox.seq));
  const sender = (maxAttempts = 8) =>
    new OutboxSender(createOutboxStore(client.db), channel, {
      pacing: { ratePerSec: 1000, burst: 1000 },
      backoff: { baseMs: 1000, maxMs: 60_000 },
      maxAttempts,
      now,
      random: () => 0.5,
    });
  const texts = () =>
    channel.sent.map((s) => `${s.message.to} ${s.message.type === 'text' ? s.message.text : ''}`);

  it('sends each contact’s rows in order and records the provider id', async () => {
    await queue(
      ['a@c.us', 'a1'],
      ['b@c.us', 'b1'],
      ['a@c.us', 'a2'],
      ['b@c.us', 'b2'],
      ['a@c.us', 'a3'],
    );
    await sender().drainOnce();
    expect(texts().filter((t) => t.startsWith('a@'))).toEqual([
      'a@c.us a1',
      'a@c.us a2',
      'a@c.us a3',
    ]);
    expect(texts().filter((t) => t.startsWith('b@'))).toEqual(['b@c.us b1', 'b@c.us b2']);
    const stored = await rows();
    expect(
      stored.every(
        (r) => r.status === 'sent' && r.providerMessageId?.startsWith('sbx-') && r.handedAt,
      ),
    ).toBe(true);
  });

  it('retries a transient failure after a backoff, fails a permanent one with its reason', async () => {
    await queue(['a@c.us', 'flaky']);
    channel.failNext = { count: 1, transient: true };
    const s = sender();
    await s.drainOnce();
    let [row] = await rows();
    expect(row).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: 'sandbox send failure (requested by a test)',
    });
    expect(row?.nextAttemptAt.getTime()).toBeGreaterThan(clock);
    await s.drainOnce();
    expect(channel.sent).toHaveLength(0); // not due yet
    clock = (row?.nextAttemptAt.getTime() ?? 0) + 1;
    await s.drainOnce();
    [row] = await rows();
    expect(row).toMatchObject({ status: 'sent', attempts: 2, error: null });

    await client.db.delete(schema.outbox);
    await queue(['a@c.us', 'refused']);
    channel.failNext = { count: 1, transient: false };
    await s.drainOnce();
    expect((await rows())[0]).toMatchObject({
      status: 'failed',
      error: 'sandbox send failure (requested by a test)',
    });
  });

  it('gives up after the maximum number of attempts, saying so', async () => {
    await queue(['a@c.us', 'never']);
    channel.failNext = { count: 10, transient: true };
    const s = sender(3);
    for (let i = 0; i < 3; i++) {
      await s.drainOnce();
      clock += 120_000;
    }
    expect((await rows())[0]).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'gave up after 3 attempts: sandbox send failure (requested by a test)',
    });
    expect(channel.sent).toHaveLength(0);
  });

  it('after a crash, sends what was claimed but never handed over, and never resends what was', async () => {
    await queue(['a@c.us', 'in hand'], ['a@c.us', 'claimed 1'], ['b@c.us', 'claimed 2']);
    const store = createOutboxStore(client.db);
    // The process claimed three rows, the claim recording each contact's first as handed (the
    // sender hands those to the channel at once); it handed a's first, then died.
    const claimed = await store.claimDue(numberId, 10, new Date(clock));
    expect(claimed.map((r) => r.message.type === 'text' && r.message.text)).toEqual([
      'in hand',
      'claimed 1',
      'claimed 2',
    ]);
    expect(claimed.map((r) => r.handed)).toEqual([true, false, true]);
    expect((await rows()).map((r) => r.handedAt !== null)).toEqual([true, false, true]);

    // The next process starts on the number: what may have gone out is never sent again.
    expect(await store.recoverSending(numberId, { lookUp: false })).toEqual({
      lookedUp: 0,
      failed: 2,
    });
    const after = await rows();
    expect(after.map((r) => [r.status, r.attempts])).toEqual([
      ['failed', 1],
      ['queued', 0],
      ['failed', 1],
    ]);
    expect(after[0]?.error).toMatch(/interrupted while sending/);
    await sender().drainOnce();
    expect(texts()).toEqual(['a@c.us claimed 1']);
    expect(
      (await client.db.select().from(schema.outbox).where(eq(schema.outbox.status, 'sent'))).length,
    ).toBe(1);
  });

  it('lets a turn hand its replies over itself only with a token for each and none of the contact’s rows in hand', async () => {
    const s = new OutboxSender(createOutboxStore(client.db), channel, {
      pacing: { ratePerSec: 0.001, burst: 2 },
      backoff: { baseMs: 1000, maxMs: 60_000 },
      maxAttempts: 8,
      now,
    });
    expect(s.reserve('a@c.us', 3)).toBe(false);
    expect(s.reserve('a@c.us', 2)).toBe(true);
    expect(s.reserve('b@c.us', 1)).toBe(false); // pacing: no token left
    s.release(1); // the commit queued one of them instead
    expect(s.reserve('b@c.us', 1)).toBe(true);
    // The claim gets no token either: nothing is sent before pacing allows.
    await queue(['c@c.us', 'waits']);
    expect(await s.drainOnce()).toMatchObject({ sent: 0, more: true });
    expect(channel.sent).toHaveLength(0);
  });

  it('sends rows handed over after the contact’s rows in hand, in order, recording each as handed and sent', async () => {
    await queue(['a@c.us', 'first'], ['a@c.us', 'second'], ['a@c.us', 'third']);
    const store = createOutboxStore(client.db);
    const s = new OutboxSender(store, channel, {
      pacing: { ratePerSec: 1000, burst: 1000 },
      backoff: { baseMs: 1000, maxMs: 60_000 },
      maxAttempts: 8,
      now,
    });
    // As a commit writes them: `sending`, the first recorded as handed.
    const [first, second, third] = await rows();
    await client.db
      .update(schema.outbox)
      .set({ status: 'sending', attempts: 1 })
      .where(eq(schema.outbox.numberId, numberId));
    await client.db
      .update(schema.outbox)
      .set({ handedAt: new Date(clock) })
      .where(eq(schema.outbox.id, first?.id ?? ''));
    const row = (r: typeof first, handed: boolean) => ({
      id: r?.id ?? '',
      numberId,
      attempts: 1,
      message: r?.payload as { to: string; type: 'text'; text: string },
      handed,
    });
    const inHand = s.handOver([row(first, true), row(second, false)]);
    expect(s.reserve('a@c.us', 1)).toBe(false); // the contact's rows are in hand
    const after = s.handOver([row(third, false)]);
    await Promise.all([inHand, after]);
    expect(texts()).toEqual(['a@c.us first', 'a@c.us second', 'a@c.us third']);
    expect((await rows()).map((r) => [r.status, r.handedAt !== null])).toEqual([
      ['sent', true],
      ['sent', true],
      ['sent', true],
    ]);
    expect(s.reserve('a@c.us', 1)).toBe(true);
  });

  it('hands a commit’s rows over after the rows of a claim that was in flight when the commit looked', async () => {
    await queue(['a@c.us', 'claimed'], ['a@c.us', 'committed later']);
    const [, later] = await rows();
    // The later row as a commit writes it; the earlier one is still queued, about to be claimed.
    await client.db
      .update(schema.outbox)
      .set({ status: 'sending', attempts: 1, handedAt: new Date(clock) })
      .where(eq(schema.outbox.id, later?.id ?? ''));
    const store = createOutboxStore(client.db);
    let answer: () => void = () => undefined;
    const gate = new Promise<void>((r) => (answer = r));
    const slow = {
      ...store,
      claimDue: async (...args: Parameters<typeof store.claimDue>) => {
        const r = await store.claimDue(...args);
        await gate;
        return r;
      },
    };
    const s = new OutboxSender(slow, channel, {
      pacing: { ratePerSec: 1000, burst: 1000 },
      backoff: { baseMs: 1000, maxMs: 60_000 },
      maxAttempts: 8,
      now,
    });
    const draining = s.drainOnce();
    await new Promise((r) => setTimeout(r, 50)); // the claim has run in the database; its answer is held back
    const handed = s.handOver([
      {
        id: later?.id ?? '',
        numberId,
        attempts: 1,
        message: later?.payload as { to: string; type: 'text'; text: string },
        handed: true,
      },
    ]);
    await new Promise((r) => setTimeout(r, 20));
    expect(texts()).toEqual([]);
    answer();
    await Promise.all([draining, handed]);
    expect(texts()).toEqual(['a@c.us claimed', 'a@c.us committed later']);
  });

  it('queues again the rows a commit wrote as sending for a sender that was gone (nothing went out)', async () => {
    await queue(['a@c.us', 'unsent'], ['a@c.us', 'already sent']);
    const [unsent, sent] = await rows();
    await client.db
      .update(schema.outbox)
      .set({ status: 'sending', attempts: 1, handedAt: new Date(clock) })
      .where(eq(schema.outbox.id, unsent?.id ?? ''));
    await client.db
      .update(schema.outbox)
      .set({ status: 'sent', attempts: 1 })
      .where(eq(schema.outbox.id, sent?.id ?? ''));
    await requeueUnsent(client.db, [unsent?.id ?? '', sent?.id ?? '']);
    expect((await rows()).map((r) => [r.status, r.attempts, r.handedAt])).toEqual([
      ['queued', 0, null],
      ['sent', 1, null],
    ]);
    await sender().drainOnce();
    expect(texts()).toEqual(['a@c.us unsent']);
  });
});
