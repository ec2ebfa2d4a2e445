// The Cloud API's at-most-once send across a crash: the runtime is SIGKILLed after Meta accepted
// a reply (the Graph API double recorded it) but before the runtime heard the 200 and recorded the
// send. On restart the reply is not sent again: the outbox row was recorded as handed before the
// call and the Cloud API cannot say whether it went out, so it is failed with the reason — in the
// transcript too, with a message.failed webhook — never resent; the next message is answered.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { createKeyring, saveChannelAccount, schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { startGraphApiDouble, type GraphApiDouble } from '@waflow/testkit/graph-api';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { kill, startChild, type Child } from './child-process.ts';

const childScript = fileURLToPath(new URL('./cloud-api-child.ts', import.meta.url));
const ACCESS_TOKEN = 'EAAG-crash-test-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';

describe('a Cloud API runtime killed between Meta’s 200 and the recorded send', () => {
  let client: DbClient;
  let graph: GraphApiDouble;
  let numberId = '';
  const key = randomBytes(32);
  const children: Child[] = [];
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    const seeded = await seedNumberWithFlow(client, echoFlow);
    numberId = seeded.numberId;
    await client.db.insert(schema.webhookEndpoints).values({
      workspaceId: seeded.workspaceId,
      url: 'https://hooks.example.com/waflow',
      secret: 'not-used-here',
      events: ['message.failed'],
    });
    await client.db
      .update(schema.numbers)
      .set({ channel: 'cloud_api' })
      .where(eq(schema.numbers.id, numberId));
    await saveChannelAccount(client.db, createKeyring({ k1: key }, 'k1'), numberId, {
      settings: { phoneNumberId: PHONE_NUMBER_ID, wabaId: '1', verifyToken: 'v' },
      secrets: { accessToken: ACCESS_TOKEN, appSecret: '00' },
    });
    graph = await startGraphApiDouble({
      accessToken: ACCESS_TOKEN,
      phoneNumbers: { [PHONE_NUMBER_ID]: { display: '+1 555-0100', verifiedName: 'Acme' } },
    });
  });
  afterAll(async () => {
    for (const c of children) await kill(c);
    await graph.close();
    await client.close();
  });

  it('does not send the reply again on restart', { timeout: 60_000 }, async () => {
    const env = {
      DATABASE_URL: client.url ?? '',
      NUMBER_ID: numberId,
      GRAPH_URL: graph.baseUrl,
      KEYRING_KEY: key.toString('hex'),
    };
    const first = startChild(env, childScript);
    children.push(first);
    await first.ready;
    // Meta has the message (recorded) when the process dies, before its 200 is written back.
    const died = new Promise<void>((resolve) => first.proc.once('exit', () => resolve()));
    const off = graph.onSend(() => {
      off();
      first.proc.kill('SIGKILL');
    });
    first.proc.send({ messageId: 'wamid.crash1', from: '34600111222@c.us', text: 'hi' });
    await died;
    expect(graph.sends.map((s) => (s.body.text as { body: string }).body)).toEqual([
      'say something',
    ]);

    const second = startChild(env, childScript);
    children.push(second);
    await second.ready;
    const row = await waitFor(async () => {
      const [r] = await client.db
        .select({ status: schema.outbox.status, error: schema.outbox.error })
        .from(schema.outbox)
        .where(eq(schema.outbox.numberId, numberId));
      return r && r.status !== 'sending' ? r : undefined;
    });
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/cannot tell whether it went out/);
    // The inbox shows it failed, with the reason; the integrator hears of it.
    const [message] = await client.db
      .select({ status: schema.messages.status, error: schema.messages.error })
      .from(schema.messages)
      .where(and(eq(schema.messages.numberId, numberId), eq(schema.messages.direction, 'out')));
    expect(message).toEqual({ status: 'failed', error: row.error });
    const events = await client.db
      .select({ type: schema.webhookDeliveries.eventType })
      .from(schema.webhookDeliveries);
    expect(events).toEqual([{ type: 'message.failed' }]);
    // The next message is answered; the interrupted reply never went a second time.
    second.proc.send({ messageId: 'wamid.crash2', from: '34600111222@c.us', text: 'again' });
    await graph.waitForSends(2);
    expect(graph.sends.map((s) => (s.body.text as { body: string }).body)).toEqual([
      'say something',
      'got again',
    ]);
  });
});
