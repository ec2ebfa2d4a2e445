// End to end on the WhatsApp Web double: the real WhatsAppChannel (whatsapp-web.js, puppeteer,
// Chromium) attached to a real Runtime on Postgres. One number, one story: link, converse,
// a person takes over from the phone, Chromium is killed mid-conversation, the phone logs out.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInProcessCoordinator, type Coordinator } from '@waflow/coord';
import {
  createFlow,
  NUMBER_STATUS_CHANNEL,
  publishFlowVersion,
  schema,
  type DbClient,
} from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import { freshDatabase, rebindNumber, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import {
  channelOnDouble,
  numberRow,
  testLog,
  transitions,
  type ChannelOnDouble,
} from './harness.ts';

const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const plans = { kind: 'choice', options: [{ label: 'Basic' }, { label: 'Pro' }, { label: 'Max' }] };
const flow = {
  schemaVersion: 1,
  name: 'Double bot',
  triggers: [{ type: 'keyword', keywords: ['hi'], match: 'exact' }],
  variables: [
    { name: 'first', type: 'string' },
    { name: 'second', type: 'string' },
    { name: 'photo', type: 'object' },
  ],
  start: 'welcome',
  nodes: [
    {
      id: 'welcome',
      type: 'say',
      message: { kind: 'text', text: 'Welcome to the double bot.' },
      next: 'ask_first',
    },
    {
      id: 'ask_first',
      type: 'ask',
      prompt: 'Pick a plan',
      saveAs: 'first',
      validation: plans,
      next: 'ask_second',
    },
    {
      id: 'ask_second',
      type: 'ask',
      prompt: 'Pick another',
      saveAs: 'second',
      validation: plans,
      next: 'ask_photo',
    },
    {
      id: 'ask_photo',
      type: 'ask',
      prompt: 'Send a photo',
      saveAs: 'photo',
      validation: { kind: 'media' },
      next: 'bye',
    },
    { id: 'bye', type: 'end', message: 'Got {{first}} and {{second}}.' },
  ],
};
const MENU = 'Pick a plan\n\n1. Basic\n2. Pro\n3. Max\n\nReply with a number.';
const MENU2 = 'Pick another\n\n1. Basic\n2. Pro\n3. Max\n\nReply with a number.';

describe('a WhatsApp number on the double, end to end', () => {
  let client: DbClient;
  let coord: Coordinator;
  let runtime: Runtime;
  let wa: ChannelOnDouble;
  let numberId: string;
  let workspaceId: string;
  const notified: string[] = [];

  const bodiesTo = async (to: string) =>
    (await wa.double.sent()).filter((m) => m.to === to).map((m) => m.body ?? m.caption ?? m.type);
  const say = async (from: string, body: string, replies: number) => {
    const before = (await bodiesTo(from)).length;
    await wa.double.deliverInbound({ from, body });
    await waitFor(
      async () => ((await bodiesTo(from)).length >= before + replies ? true : undefined),
      20_000,
      `${replies} replies to "${body}"`,
    );
  };
  const pendingEvents = async () =>
    (
      await client.db
        .select()
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.numberId, numberId))
    ).filter((e) => e.status !== 'processed').length;

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    coord = createInProcessCoordinator();
    ({ numberId, workspaceId } = await seedNumberWithFlow(client, flow));
    await client.db
      .update(schema.numbers)
      .set({ channel: 'whatsapp' })
      .where(eq(schema.numbers.id, numberId));
    await client.listen(NUMBER_STATUS_CHANNEL, (payload) => notified.push(payload));
    runtime = new Runtime({
      client,
      coord,
      log: testLog,
      outbox: { pacing: { ratePerSec: 1000, burst: 1000 }, backoff: { baseMs: 200, maxMs: 1_000 } },
      humanReplyPauseMs: 10 * 60_000,
    });
    await runtime.start();
    wa = await channelOnDouble({ db: client, numberId, egress: runtime.egress });
  });

  afterAll(async () => {
    await runtime?.stop();
    await coord?.close();
    await client?.close();
    if (wa) await rm(wa.dataDir, { recursive: true, force: true });
  });

  it('links: the QR lands on the number row, the phone scans it, the row goes authenticated then ready', async () => {
    await runtime.attach(numberId, wa.channel);
    const withQr = await waitFor(async () => {
      const row = await numberRow(client, numberId);
      return row.status === 'qr' && row.qr ? row : undefined;
    });
    expect(withQr.qr).toMatch(/^2@[^,]+,[^,]+,[^,]+,[^,]+,WEB$/);
    expect(withQr.qrUpdatedAt).toBeInstanceOf(Date);
    // The notification travels on its own connection: it may land a moment after the row reads back.
    await waitFor(
      () => notified.includes(JSON.stringify({ numberId })) || undefined,
      15_000,
      'the number_status notification',
    );

    await wa.double.pair({ me: '15550001111@c.us' });
    const ready = await waitFor(async () => {
      const row = await numberRow(client, numberId);
      return row.status === 'ready' ? row : undefined;
    });
    expect(ready).toMatchObject({ phone: '15550001111', qr: null, lastError: null });
    expect(ready.heartbeatAt).toBeInstanceOf(Date);
    expect(transitions(wa.statuses)).toEqual(['qr', 'authenticated', 'ready']);
  });

  it('treats the repeated ready of a resync as one (idempotent)', async () => {
    const client0 = wa.channel.currentClient;
    await wa.double.resync();
    await waitFor(() => (wa.statuses.length >= 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(transitions(wa.statuses)).toEqual(['qr', 'authenticated', 'ready']);
    expect(wa.channel.currentClient).toBe(client0);
  });

  it('answers "hi" with the flow in order; the menu takes "2" and a label; a photo is stored and referenced', async () => {
    const from = '34600000001@c.us';
    await say(from, 'hi', 2);
    expect(await bodiesTo(from)).toEqual(['Welcome to the double bot.', MENU]);
    await say(from, '2', 1);
    await say(from, 'max', 1);
    // The double keeps what it received in the page's localStorage, which a SIGKILLed Chromium may
    // not have flushed: the tables are the record of what was sent, each reply once and in order.
    expect((await bodiesTo(from)).slice(-2)).toEqual([MENU2, 'Send a photo']);
    const out = await client.db
      .select({
        body: schema.messages.body,
        status: schema.messages.status,
        waId: schema.messages.waMessageId,
      })
      .from(schema.messages)
      .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
      .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
      .where(and(eq(schema.contacts.waId, from), eq(schema.messages.direction, 'out')))
      .orderBy(schema.messages.seq);
    expect(out.map((m) => m.body)).toEqual([
      'Welcome to the double bot.',
      MENU,
      MENU2,
      'Send a photo',
    ]);
    expect(new Set(out.map((m) => m.waId)).size).toBe(4);

    const before = (await bodiesTo(from)).length;
    await wa.double.deliverInbound({
      from,
      type: 'image',
      body: 'my photo',
      media: { mimetype: 'image/png', data: PNG_B64, filename: 'me.png' },
    });
    await waitFor(
      async () => ((await bodiesTo(from)).length > before ? true : undefined),
      20_000,
      'the closing message',
    );
    expect((await bodiesTo(from)).at(-1)).toBe('Got Pro and Max.');

    const [result] = await client.db
      .select()
      .from(schema.results)
      .where(eq(schema.results.workspaceId, workspaceId));
    const photo =
      result?.variables && typeof result.variables === 'object'
        ? (result.variables as Record<string, unknown>).photo
        : undefined;
    expect(result).toMatchObject({
      status: 'completed',
      variables: { first: 'Pro', second: 'Max', photo: { mimeType: 'image/png' } },
    });
    const ref = (photo as { ref: string }).ref;
    expect(ref).toMatch(new RegExp(`^media/${numberId}/.+\\.png$`));
    expect(existsSync(join(wa.dataDir, ref))).toBe(true);

    // Manners: the contact's messages were marked seen, and the bot "typed" before replying.
    const activity = await wa.double.activity();
    expect(activity).toEqual(
      expect.arrayContaining([
        { kind: 'seen', chatId: from },
        { kind: 'typing', chatId: from },
      ]),
    );
    // Acks flow back onto the transcript.
    await waitFor(
      async () => {
        const out = await client.db
          .select()
          .from(schema.messages)
          .where(and(eq(schema.messages.numberId, numberId), eq(schema.messages.direction, 'out')));
        return out.length === 5 && out.every((m) => m.waMessageId && m.status === 'sent')
          ? true
          : undefined;
      },
      15_000,
      'outbound messages sent with their WhatsApp ids',
    );
  });

  it('pauses the bot in a conversation where a person wrote from the phone, and records what they wrote', async () => {
    const from = '34600000002@c.us';
    await say(from, 'hi', 2);
    await wa.double.sendFromPhone({
      to: from,
      body: 'Hi, this is Marta from the shop, I will help you.',
    });
    const paused = await waitFor(
      async () => {
        const [c] = await client.db
          .select()
          .from(schema.conversations)
          .where(
            and(
              eq(schema.conversations.numberId, numberId),
              eq(schema.conversations.status, 'handoff'),
            ),
          );
        return c;
      },
      15_000,
      'the conversation in handoff',
    );
    expect(paused.handoffUntil?.getTime()).toBeGreaterThan(Date.now() + 5 * 60_000);

    await wa.double.deliverInbound({ from, body: '2' });
    // The answer travels through Chromium before it is stored: wait for its row in the
    // transcript (no pending event alone proves nothing: it may not have been stored yet).
    await waitFor(
      async () => {
        const rows = await client.db
          .select({ id: schema.messages.id })
          .from(schema.messages)
          .where(
            and(
              eq(schema.messages.conversationId, paused.id),
              eq(schema.messages.direction, 'in'),
              eq(schema.messages.body, '2'),
            ),
          );
        return rows.length > 0 && (await pendingEvents()) === 0 ? true : undefined;
      },
      15_000,
      'the answer stored and processed',
    );
    await runtime.idle();
    expect(await bodiesTo(from)).toEqual(['Welcome to the double bot.', MENU]);
    // What the person typed is in the transcript, by `phone`, between the bot and the contact.
    const transcript = await client.db
      .select({
        direction: schema.messages.direction,
        author: schema.messages.author,
        body: schema.messages.body,
        status: schema.messages.status,
      })
      .from(schema.messages)
      .where(eq(schema.messages.conversationId, paused.id))
      .orderBy(schema.messages.seq);
    expect(
      transcript.map((m) =>
        m.direction === 'in' ? `in: ${m.body}` : `${m.author} (${m.status}): ${m.body}`,
      ),
    ).toEqual([
      'in: hi',
      'bot (sent): Welcome to the double bot.',
      `bot (sent): ${MENU}`,
      'phone (sent): Hi, this is Marta from the shop, I will help you.',
      'in: 2',
    ]);
    // The bot's own replies never count as a person's.
    const conversations = await client.db
      .select()
      .from(schema.conversations)
      .where(eq(schema.conversations.numberId, numberId));
    expect(conversations.filter((c) => c.status === 'handoff')).toHaveLength(1);
  });

  it('restores the session without a QR after Chromium is SIGKILLed mid-conversation; nothing lost or doubled', async () => {
    const from = '34600000003@c.us';
    await say(from, 'hi', 2);
    expect(await bodiesTo(from)).toEqual(['Welcome to the double bot.', MENU]);
    const restartsBefore = (await numberRow(client, numberId)).restartCount;
    const qrsBefore = wa.statuses.filter((s) => s === 'qr').length;
    const pid = wa.channel.currentClient?.pupBrowser?.process()?.pid;
    if (!pid) throw new Error('no chromium pid');
    process.kill(pid, 'SIGKILL');

    await waitFor(
      () => (wa.statuses.at(-1) === 'disconnected' ? true : undefined),
      20_000,
      'the channel noticing',
    );
    const row = await waitFor(
      async () => {
        const r = await numberRow(client, numberId);
        return r.restartCount > restartsBefore && r.status === 'ready' ? r : undefined;
      },
      40_000,
      'the client restarted and ready',
    );
    expect(row.lastError).toBe('Chromium was killed or crashed');
    expect(transitions(wa.statuses).slice(-4)).toEqual([
      'ready',
      'disconnected',
      'authenticated',
      'ready',
    ]);
    expect(wa.statuses.filter((s) => s === 'qr').length).toBe(qrsBefore);
    expect(wa.channel.currentClient?.pupBrowser?.process()?.pid).not.toBe(pid);

    await say(from, '1', 1);
    await say(from, 'Pro', 1);
    // The double keeps what it received in the page's localStorage, which a SIGKILLed Chromium may
    // not have flushed: the tables are the record of what was sent, each reply once and in order.
    expect((await bodiesTo(from)).slice(-2)).toEqual([MENU2, 'Send a photo']);
    const out = await client.db
      .select({
        body: schema.messages.body,
        status: schema.messages.status,
        waId: schema.messages.waMessageId,
      })
      .from(schema.messages)
      .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
      .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
      .where(and(eq(schema.contacts.waId, from), eq(schema.messages.direction, 'out')))
      .orderBy(schema.messages.seq);
    expect(out.map((m) => m.body)).toEqual([
      'Welcome to the double bot.',
      MENU,
      MENU2,
      'Send a photo',
    ]);
    expect(new Set(out.map((m) => m.waId)).size).toBe(4);
    expect(await pendingEvents()).toBe(0);
    const inbound = await client.db
      .select()
      .from(schema.inboundEvents)
      .where(eq(schema.inboundEvents.fromWaId, from));
    expect(inbound).toHaveLength(3);
  });

  it('refuses a media URL on a private address: nothing fetched, the send failed with the reason, the next reply still goes', async () => {
    let hits = 0;
    const inside = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG_B64, 'base64'));
    });
    await new Promise<void>((r) => inside.listen(0, '127.0.0.1', r));
    const { port } = inside.address() as AddressInfo;
    try {
      const mediaFlow = {
        schemaVersion: 1,
        name: 'Media from inside',
        triggers: [{ type: 'any' }],
        variables: [],
        start: 'pic',
        nodes: [
          {
            id: 'pic',
            type: 'say',
            message: {
              kind: 'media',
              mediaType: 'image',
              url: `http://127.0.0.1:${port}/secret.png`,
            },
            next: 'after',
          },
          { id: 'after', type: 'end', message: 'after the picture' },
        ],
      };
      const flowRow = await createFlow(client.db, {
        workspaceId,
        name: 'Media from inside',
        draft: mediaFlow,
      });
      await publishFlowVersion(client.db, { flowId: flowRow.id, config: mediaFlow });
      await rebindNumber(client, numberId, flowRow.id);
      const from = '34600000004@c.us';
      await say(from, 'show me', 1);
      expect(await bodiesTo(from)).toEqual(['after the picture']);
      expect(hits).toBe(0);
      const rows = await waitFor(
        async () => {
          const r = await client.db
            .select()
            .from(schema.outbox)
            .where(and(eq(schema.outbox.numberId, numberId), eq(schema.outbox.status, 'failed')));
          return r.length > 0 ? r : undefined;
        },
        15_000,
        'the media send marked failed',
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.error).toMatch(/127\.0\.0\.1.*(loopback|internal)/);
    } finally {
      inside.close();
    }
  });

  it('on a logout from the phone: logged_out, the session archive deleted, a new QR offered', async () => {
    await waitFor(
      async () =>
        (
          await client.db
            .select()
            .from(schema.sessionStore)
            .where(eq(schema.sessionStore.numberId, numberId))
        ).length === 1
          ? true
          : undefined,
      15_000,
      'the session archive saved',
    );
    const oldQr = (await numberRow(client, numberId)).qr;
    await wa.double.logout();
    const row = await waitFor(
      async () => {
        const r = await numberRow(client, numberId);
        return r.status === 'qr' && r.qr && r.qr !== oldQr ? r : undefined;
      },
      30_000,
      'a new QR on the row',
    );
    expect(row.qr).toMatch(/,WEB$/);
    expect(transitions(wa.statuses).slice(-2)).toEqual(['logged_out', 'qr']);
    expect(
      await client.db
        .select()
        .from(schema.sessionStore)
        .where(eq(schema.sessionStore.numberId, numberId)),
    ).toEqual([]);
    await wa.double.injected();
  });
});
