// A webhook endpoint that accepts connections and never answers (a tarpit) slows only itself:
// another workspace's delay block fires and its reply goes out while the tarpit still holds every
// request, and the same workspace's other endpoint keeps receiving its deliveries. Asserted by
// order and state (nothing was attempted at the tarpit yet), never by how long anything took.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import {
  createKeyring,
  createWorkspace,
  enqueueWebhookEvent,
  schema,
  type DbClient,
} from '@waflow/db';
import { generateWebhookSecret } from '@waflow/egress';
import { Runtime } from '../../src/runtime.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

const delayFlow = {
  schemaVersion: 1,
  name: 'Delay',
  triggers: [{ type: 'any' }],
  variables: [],
  start: 'wait',
  nodes: [
    { id: 'wait', type: 'delay', seconds: 1, next: 'done' },
    { id: 'done', type: 'end', message: 'one second later' },
  ],
};

/** An HTTP server on 127.0.0.1; `answer: false` makes it a tarpit (reads the request, never replies). */
async function receiver(
  answer: boolean,
): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    if (answer) req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests: () => requests,
  };
}

const closeServer = (server: Server) =>
  new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });

describe('webhook delivery isolation', () => {
  let client: DbClient;
  let runtime: Runtime | undefined;
  const servers: Server[] = [];
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
  });
  afterEach(async () => {
    // Free the tarpit's requests first, so the deliveries it held settle and the runtime stops.
    for (const s of servers.splice(0)) await closeServer(s);
    await runtime?.stop();
    runtime = undefined;
  });
  afterAll(() => client.close());

  const start = async () => {
    runtime = new Runtime({
      client,
      coord: createInProcessCoordinator(),
      keyring,
      pollMs: 25,
      recoverMs: 60_000,
      egressPolicy: { allowHosts: [], allowCidrs: ['127.0.0.0/8'] },
      log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    });
    await runtime.start();
    return runtime;
  };
  const endpoint = async (workspaceId: string, url: string) => {
    const [ep] = await client.db
      .insert(schema.webhookEndpoints)
      .values({ workspaceId, url, secret: keyring.encrypt(generateWebhookSecret()), events: ['*'] })
      .returning();
    if (!ep) throw new Error('no endpoint');
    return ep.id;
  };
  const queueEvents = async (workspaceId: string, n: number) => {
    for (let i = 0; i < n; i++)
      await enqueueWebhookEvent(client.db, {
        id: `evt_${randomBytes(6).toString('hex')}`,
        type: 'lead.captured',
        workspaceId,
        occurredAt: new Date(),
        data: { conversationId: `conv-${i}`, contact: '34600000001@c.us', flowId: null, n: i },
      });
  };
  const deliveriesOf = (endpointId: string) =>
    client.db
      .select()
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.endpointId, endpointId));
  const attemptsOf = async (endpointId: string) => {
    const ids = (await deliveriesOf(endpointId)).map((d) => d.id);
    return ids.length === 0
      ? []
      : client.db
          .select()
          .from(schema.webhookAttempts)
          .where(inArray(schema.webhookAttempts.deliveryId, ids));
  };

  it(
    "fires another workspace's delay block and sends its reply while a tarpit endpoint holds its deliveries",
    { timeout: 60_000 },
    async () => {
      const tarpit = await receiver(false);
      servers.push(tarpit.server);
      const b = await createWorkspace(client.db, 'B with a tarpit');
      const tarpitId = await endpoint(b.id, tarpit.url);
      await queueEvents(b.id, 10);
      const a = await seedNumberWithFlow(client, delayFlow);

      const rt = await start();
      const channel = await rt.attachSandbox(a.numberId);
      // The tarpit holds requests: deliveries are under way before A's delay is even set.
      await waitFor(() => tarpit.requests() >= 1 || undefined, 15_000, 'the tarpit to be called');
      channel.deliver({ from: '34600555000@c.us', text: 'hi' });
      await waitFor(
        () => channel.sent.length >= 1 || undefined,
        40_000,
        "A's reply after its delay",
      );

      expect(channel.sent.map((s) => (s.message.type === 'text' ? s.message.text : ''))).toEqual([
        'one second later',
      ]);
      // When A's reply went out, not one request to the tarpit had settled.
      expect(await attemptsOf(tarpitId)).toEqual([]);
      expect((await deliveriesOf(tarpitId)).some((d) => d.status === 'delivering')).toBe(true);
    },
  );

  it(
    "keeps delivering to a workspace's second endpoint while its first one tarpits",
    { timeout: 60_000 },
    async () => {
      const tarpit = await receiver(false);
      const healthy = await receiver(true);
      servers.push(tarpit.server, healthy.server);
      const b = await createWorkspace(client.db, 'B with two endpoints');
      const tarpitId = await endpoint(b.id, tarpit.url);
      const healthyId = await endpoint(b.id, healthy.url);
      // More than one claim's worth, so a loop waiting on its slowest request would leave some behind.
      await queueEvents(b.id, 60);

      await start();
      await waitFor(
        async () =>
          (await deliveriesOf(healthyId)).every((d) => d.status === 'delivered') ? true : undefined,
        40_000,
        'every delivery to the healthy endpoint',
      );

      expect(healthy.requests()).toBe(60);
      // All of that while the tarpit still had not answered a single one.
      expect(await attemptsOf(tarpitId)).toEqual([]);
      expect(tarpit.requests()).toBeGreaterThan(0);
    },
  );
});
