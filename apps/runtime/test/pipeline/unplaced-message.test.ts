// A message that starts nothing (no conversation open, no trigger matched) on real Postgres: the
// flow's fallback text answers it, and it is in the contact's transcript either way — the latest
// conversation's, or one opened for it when the contact never had one.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import pino from 'pino';
import { createInProcessCoordinator, type Coordinator } from '@waflow/coord';
import { schema, transcript, type DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import type { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

const FALLBACK = 'Write "order" to place an order.';
const orderFlow = (settings: Record<string, unknown>) => ({
  schemaVersion: 1,
  triggers: [{ type: 'keyword', keywords: ['order'], match: 'exact' }],
  variables: [],
  start: 'e',
  nodes: [{ id: 'e', type: 'end', message: 'Order noted.' }],
  settings,
});

describe('a message that starts nothing', () => {
  let client: DbClient;
  let coord: Coordinator;
  let runtime: Runtime;
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    coord = createInProcessCoordinator();
    runtime = new Runtime({
      client,
      coord,
      outbox: { pacing: { ratePerSec: 10_000, burst: 10_000 } },
      log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await coord.close();
    await client.close();
  });

  const textsTo = (ch: SandboxChannel, to: string) =>
    ch.sent.flatMap((s) =>
      s.message.to === to && s.message.type === 'text' ? [s.message.text] : [],
    );
  /** Delivers `text` and waits until the contact has `replies` replies in all and nothing is pending. */
  async function say(ch: SandboxChannel, from: string, text: string, replies: number) {
    ch.deliver({ from, text });
    await waitFor(() => textsTo(ch, from).length >= replies || undefined, 15_000, `"${text}"`);
    await runtime.idle();
  }
  async function conversationsOf(numberId: string, waId: string) {
    return client.db
      .select({ id: schema.conversations.id, status: schema.conversations.status })
      .from(schema.conversations)
      .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
      .where(and(eq(schema.contacts.numberId, numberId), eq(schema.contacts.waId, waId)))
      .orderBy(asc(schema.conversations.createdAt));
  }
  async function lines(conversationId: string) {
    return (await transcript(client.db, conversationId)).map((m) => `${m.direction}: ${m.body}`);
  }

  it('after the flow ended: answers with the fallback text, both in the ended conversation', async () => {
    const { numberId } = await seedNumberWithFlow(client, orderFlow({ fallbackText: FALLBACK }));
    const sandbox = await runtime.attachSandbox(numberId);
    const from = '34600000101@c.us';
    await say(sandbox, from, 'order', 1);
    await say(sandbox, from, 'thanks', 2);
    expect(textsTo(sandbox, from)).toEqual(['Order noted.', FALLBACK]);
    const [conversation, ...others] = await conversationsOf(numberId, from);
    expect(others).toEqual([]);
    expect(conversation?.status).toBe('completed');
    expect(await lines(conversation?.id ?? '')).toEqual([
      'in: order',
      'out: Order noted.',
      'in: thanks',
      `out: ${FALLBACK}`,
    ]);
    // Every reply went out once, and the fallback's transcript line shows it sent.
    const outbox = await waitFor(async () => {
      const rows = await client.db
        .select({ status: schema.outbox.status, conversationId: schema.outbox.conversationId })
        .from(schema.outbox)
        .where(eq(schema.outbox.numberId, numberId));
      return rows.length === 2 && rows.every((r) => r.status === 'sent') ? rows : undefined;
    });
    expect(outbox.every((r) => r.conversationId === conversation?.id)).toBe(true);
    // The keyword still starts the flow again.
    await say(sandbox, from, 'order', 3);
    expect(await conversationsOf(numberId, from)).toHaveLength(2);
  });

  it('from a contact who never had a conversation: opens one, already completed, and keeps using it', async () => {
    const { numberId } = await seedNumberWithFlow(client, orderFlow({ fallbackText: FALLBACK }));
    const sandbox = await runtime.attachSandbox(numberId);
    const from = '34600000102@c.us';
    await say(sandbox, from, 'hello', 1);
    await say(sandbox, from, 'anyone there?', 2);
    expect(textsTo(sandbox, from)).toEqual([FALLBACK, FALLBACK]);
    const [conversation, ...others] = await conversationsOf(numberId, from);
    expect(others).toEqual([]);
    expect(conversation?.status).toBe('completed');
    expect(await lines(conversation?.id ?? '')).toEqual([
      'in: hello',
      `out: ${FALLBACK}`,
      'in: anyone there?',
      `out: ${FALLBACK}`,
    ]);
  });

  it('without a fallback text: no reply, and the message is still in the transcript', async () => {
    const { numberId } = await seedNumberWithFlow(client, orderFlow({}));
    const sandbox = await runtime.attachSandbox(numberId);
    const from = '34600000103@c.us';
    await say(sandbox, from, 'order', 1);
    sandbox.deliver({ from, text: 'thanks' });
    await waitFor(async () => {
      const [row] = await client.db
        .select({ status: schema.inboundEvents.status })
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.numberId, numberId))
        .orderBy(asc(schema.inboundEvents.seq))
        .offset(1);
      return row?.status === 'processed' || undefined;
    });
    await runtime.idle();
    expect(textsTo(sandbox, from)).toEqual(['Order noted.']);
    const [conversation] = await conversationsOf(numberId, from);
    expect(await lines(conversation?.id ?? '')).toEqual([
      'in: order',
      'out: Order noted.',
      'in: thanks',
    ]);
  });
});
