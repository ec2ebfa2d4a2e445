// Webhook delivery benchmark: N events queued for one endpoint on a throwaway real Postgres, then
// delivered (signed, through the egress guard) to a local HTTP receiver by the runtime's
// deliverer as fast as it goes. Prints deliveries/s and attempt latency; last line
// webhook_deliveries_per_s=N
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import {
  createDb,
  createKeyring,
  createWorkspace,
  enqueueWebhookEvent,
  migrate,
  schema,
} from '@waflow/db';
import { createTestDatabase, startPostgres } from '@waflow/testkit';
import { createEgressClient, generateWebhookSecret } from '@waflow/egress';
import { WebhookDeliverer } from '../../apps/runtime/src/integrations/webhooks/deliverer.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as AddressInfo).port;

const pg = await startPostgres();
const egress = createEgressClient({ allowHosts: [], allowCidrs: ['127.0.0.0/8'] });
try {
  const client = await createDb({
    url: (await createTestDatabase(pg.url, 'bench_hooks')).url,
    max: 20,
  });
  await migrate(client);
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const ws = await createWorkspace(client.db, 'bench');
  // The events name a number only in their payload: no numbers row is needed to deliver them.
  const numberId = randomUUID();
  await client.db.insert(schema.webhookEndpoints).values({
    workspaceId: ws.id,
    url: `http://127.0.0.1:${port}/hook`,
    secret: keyring.encrypt(generateWebhookSecret()),
    events: ['*'],
  });
  for (let i = 0; i < EVENTS; i += 500) {
    await client.db.transaction(async (tx) => {
      for (let j = i; j < Math.min(EVENTS, i + 500); j++) {
        await enqueueWebhookEvent(tx, {
          id: `evt_bench_${j}`,
          type: 'message.received',
          workspaceId: ws.id,
          occurredAt: new Date(),
          data: {
            numberId,
            contact: `346${String(j).padStart(8, '0')}@c.us`,
            type: 'text',
            text: 'hello from the benchmark',
          },
        });
      }
    });
  }
  const deliverer = new WebhookDeliverer({
    db: client.db,
    keyring,
    egress,
    log: pino({ level: 'silent' }),
    now: Date.now,
    ...(process.env.BENCH_PER_ENDPOINT
      ? { limits: { perEndpoint: Number(process.env.BENCH_PER_ENDPOINT) } }
      : {}),
  });
  const started = performance.now();
  // Its own loop, as in the runtime: a tick starts what fits under the caps, each attempt that
  // ends starts the next (one endpoint: defaultDeliveryLimits.perEndpoint requests at a time).
  deliverer.start(10);
  while (received < EVENTS) await new Promise((r) => setTimeout(r, 5));
  await deliverer.stop();
  const seconds = (performance.now() - started) / 1000;
  const [stats] = await client.query<{ delivered: string; p50: number; p99: number }>(
    `select count(*) filter (where d.status = 'delivered') as delivered,
            percentile_cont(0.5) within group (order by a.latency_ms) as p50,
            percentile_cont(0.99) within group (order by a.latency_ms) as p99
       from webhook_deliveries d join webhook_attempts a on a.delivery_id = d.id`,
  );
  const delivered = Number(stats?.delivered ?? 0);
  if (delivered !== EVENTS || received !== EVENTS)
    throw new Error(`delivered ${delivered} and received ${received} of ${EVENTS}`);
  const rate = Math.round(EVENTS / seconds);
  console.log(
    `${EVENTS} deliveries in ${seconds.toFixed(2)} s: ${rate}/s, attempt latency p50 ${Math.round(Number(stats?.p50))} ms, p99 ${Math.round(Number(stats?.p99))} ms`,
  );
  console.log(`webhook_deliveries_per_s=${rate}`);
  await client.close();
} finally {
  await egress.close();
  server.close();
  await pg.stop();
}
