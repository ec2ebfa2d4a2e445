// A reply interrupted by a crash, on WhatsApp Web: the real WhatsAppChannel on the double, a
// real Runtime on Postgres. The process stopped after handing replies to whatsapp-web.js and
// before recording them as sent; the next start looks each one up in the chat by the id waflow
// assigned it: the one WhatsApp has is recorded as sent (not sent twice), the one it never got
// is sent again under the same id (not dropped).
import { rm } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInProcessCoordinator, type Coordinator } from '@waflow/coord';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { Runtime } from '../../src/runtime.ts';
import { messageIdFor } from '../../src/channels/whatsapp/assigned-ids.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { channelOnDouble, numberRow, testLog, type ChannelOnDouble } from './harness.ts';

const from = '34600000009@c.us';

describe('a reply interrupted by a crash on WhatsApp Web', () => {
  let client: DbClient;
  let coord: Coordinator;
  let numberId = '';
  let workspaceId = '';
  const runtimes: Runtime[] = [];
  let dataDir = '';
  const attached: ChannelOnDouble[] = [];

  const newRuntime = async () => {
    const runtime = new Runtime({
      client,
      coord,
      log: testLog,
      outbox: { pacing: { ratePerSec: 1000, burst: 1000 }, backoff: { baseMs: 200, maxMs: 1_000 } },
    });
    runtimes.push(runtime);
    await runtime.start();
    return runtime;
  };
  const attachOnDouble = async (runtime: Runtime): Promise<ChannelOnDouble> => {
    const wa = await channelOnDouble({
      db: client,
      numberId,
      egress: runtime.egress,
      ...(dataDir ? { dataDir } : {}),
    });
    dataDir = wa.dataDir;
    attached.push(wa);
    await runtime.attach(numberId, wa.channel);
    return wa;
  };
  const outMessages = () =>
    client.db
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.numberId, numberId), eq(schema.messages.direction, 'out')))
      .orderBy(schema.messages.seq);

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    coord = createInProcessCoordinator();
    ({ numberId, workspaceId } = await seedNumberWithFlow(client, echoFlow));
    await client.db
      .update(schema.numbers)
      .set({ channel: 'whatsapp' })
      .where(eq(schema.numbers.id, numberId));
  });
  afterAll(async () => {
    for (const r of runtimes) await r.stop();
    await coord?.close();
    await client?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('records the handed reply WhatsApp has as sent, and sends the one it never got, each once', async () => {
    const first = await newRuntime();
    const wa = await attachOnDouble(first);
    await waitFor(async () => (await numberRow(client, numberId)).status === 'qr' || undefined);
    await wa.double.pair({ me: '15550002222@c.us' });
    await waitFor(async () => (await numberRow(client, numberId)).status === 'ready' || undefined);

    await wa.double.deliverInbound({ from, body: 'hi' });
    const [sent] = await waitFor(async () => {
      const out = await outMessages();
      return out[0]?.status === 'sent' ? out : undefined;
    });
    const [row] = await client.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.messageId, sent?.id ?? ''));
    if (!sent || !row) throw new Error('no reply');
    // The id waflow assigned is the one WhatsApp Web took.
    expect(sent.waMessageId).toBe(`true_${from}_${messageIdFor(row.id)}`);

    // The process stopped after handing both replies to whatsapp-web.js, before recording them:
    // the first reached WhatsApp, the second never did.
    await client.db
      .update(schema.outbox)
      .set({ status: 'sending', providerMessageId: null, sentAt: null })
      .where(eq(schema.outbox.id, row.id));
    await client.db
      .update(schema.messages)
      .set({ status: 'pending', waMessageId: null, sentAt: null })
      .where(eq(schema.messages.id, sent.id));
    const [lost] = await client.db
      .insert(schema.messages)
      .values({
        workspaceId,
        numberId,
        conversationId: sent.conversationId,
        direction: 'out',
        type: 'text',
        body: 'lost in the crash',
      })
      .returning();
    if (!lost) throw new Error('no message');
    const [lostRow] = await client.db
      .insert(schema.outbox)
      .values({
        numberId,
        conversationId: sent.conversationId,
        messageId: lost.id,
        idempotencyKey: 'lost-in-the-crash',
        payload: { to: from, type: 'text', text: 'lost in the crash' },
        status: 'sending',
        attempts: 1,
        handedAt: new Date(),
      })
      .returning();
    if (!lostRow) throw new Error('no outbox row');
    await wa.channel.saveSession();
    await first.stop();

    const second = await newRuntime();
    const again = await attachOnDouble(second);
    const out = await waitFor(async () => {
      const o = await outMessages();
      return o.length === 2 && o.every((m) => m.status !== 'pending') ? o : undefined;
    }, 40_000);
    expect(out.map((m) => [m.body, m.status, m.waMessageId])).toEqual([
      ['say something', 'sent', `true_${from}_${messageIdFor(row.id)}`],
      ['lost in the crash', 'sent', `true_${from}_${messageIdFor(lostRow.id)}`],
    ]);
    const toContact = (await again.double.sent()).filter((m) => m.to === from);
    expect(toContact.map((m) => [m.body, m.id])).toEqual([
      ['say something', `true_${from}_${messageIdFor(row.id)}`],
      ['lost in the crash', `true_${from}_${messageIdFor(lostRow.id)}`],
    ]);
  });

  it('looks a reply cut off by Chromium dying mid-send up, and sends it again once', async () => {
    const wa = attached.at(-1);
    if (!wa) throw new Error('no channel');
    await wa.double.holdSends();
    await wa.double.deliverInbound({ from, body: 'more' });
    await waitFor(async () => ((await wa.double.heldSends()) === 1 ? true : undefined));
    const pid = wa.channel.currentClient?.pupBrowser?.process()?.pid;
    if (!pid) throw new Error('no chromium pid');
    process.kill(pid, 'SIGKILL');

    const reply = await waitFor(async () => {
      const o = (await outMessages()).find((m) => m.body === 'got more');
      return o && o.status !== 'pending' ? o : undefined;
    }, 40_000);
    expect(reply.status).toBe('sent');
    const toContact = (await wa.double.sent()).filter((m) => m.to === from);
    expect(toContact.filter((m) => m.body === 'got more')).toHaveLength(1);
    const [row] = await client.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.messageId, reply.id));
    expect(row?.attempts).toBeGreaterThan(1);
  });
});
