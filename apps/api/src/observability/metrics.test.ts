// Operations endpoints on real Postgres: /ready says what is missing, /metrics moves with a real
// sandbox conversation (runtime counters, numbers by state, open conversations, queues).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import {
  createDb,
  createFlow,
  createKeyring,
  createWorkspace,
  migrate,
  publishFlowVersion,
  schema,
  type DbClient,
} from '@waflow/db';
import { Runtime } from '@waflow/runtime';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../app.ts';

const echo = {
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [{ name: 'x', type: 'string' }],
  start: 'q',
  nodes: [
    {
      id: 'q',
      type: 'ask',
      prompt: 'say something',
      saveAs: 'x',
      validation: { kind: 'text' },
      next: 'q',
    },
  ],
};

describe('operations endpoints', () => {
  let client: DbClient;
  let runtime: Runtime;
  const log = pino({ level: 'silent' });
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');

  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
  });
  afterAll(async () => {
    await runtime?.stop();
    await client.close();
  });

  it('is not ready before the migrations, and ready after', async () => {
    const app = createApp({ client, keyring, log });
    expect(await (await app.request('/health')).json()).toEqual({ ok: true });
    const before = await app.request('/ready');
    expect(before.status).toBe(503);
    expect(((await before.json()) as { problems: string[] }).problems[0]).toMatch(
      /migrations applied/,
    );
    await migrate(client);
    const after = await app.request('/ready');
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ ok: true, database: true, migrations: true });
  });

  it('exposes Prometheus metrics that follow a real conversation', async () => {
    runtime = new Runtime({
      client,
      coord: createInProcessCoordinator(),
      log,
      outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
    });
    await runtime.start();
    const app = createApp({ client, keyring, log, runtime });
    const ws = await createWorkspace(client.db, 'ops');
    const flow = await createFlow(client.db, { workspaceId: ws.id, name: 'echo', draft: echo });
    await publishFlowVersion(client.db, { flowId: flow.id, config: echo });
    const [number] = await client.db
      .insert(schema.numbers)
      .values({ workspaceId: ws.id, label: 'n', channel: 'sandbox', flowId: flow.id })
      .returning();
    const sandbox = await runtime.attachSandbox(number?.id ?? '');
    sandbox.deliver({ from: '34600000001@c.us', text: 'hi' });
    sandbox.deliver({ from: '34600000002@c.us', text: 'hi' });
    const deadline = Date.now() + 10_000;
    while (sandbox.sent.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await runtime.idle();

    // As @hono/node-server hands a direct loopback connection over (see 'who may read /metrics').
    const res = await app.request(
      '/metrics',
      {},
      { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    const value = (line: RegExp) =>
      Number(
        text
          .split('\n')
          .find((l) => line.test(l))
          ?.split(' ')
          .pop(),
      );
    expect(value(/^waflow_runtime_events_total\{name="inbound_processed_total"\}/)).toBe(2);
    expect(value(/^waflow_conversations_open\{status="waiting"\}/)).toBe(2);
    expect(value(/^waflow_numbers\{status="ready"\}/)).toBe(1);
    expect(value(/^waflow_inbound_pending /)).toBe(0);
    expect(text).toMatch(/^waflow_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^waflow_outbox_oldest_queued_seconds /m);
    expect(value(/^waflow_pipeline_latency_seconds_count /)).toBe(2);
    expect(value(/^waflow_pipeline_latency_seconds_bucket\{le="\+Inf"\}/)).toBe(2);
    expect(value(/^waflow_lock_wait_seconds_count /)).toBe(2);
    expect(value(/^waflow_pipeline_latency_seconds_sum /)).toBeGreaterThan(0);
    // Per flow, from the analytics counts the turns committed.
    const perFlow = (event: string) =>
      value(new RegExp(`^waflow_flow_events_total\\{flow_id="${flow.id}",event="${event}"\\}`));
    expect(perFlow('started')).toBe(2);
    expect(perFlow('messages_in')).toBe(2);
    expect(perFlow('messages_out')).toBe(2);
  });
});

describe('who may read /metrics', () => {
  let client: DbClient;
  let server: ServerType | undefined;
  const log = pino({ level: 'silent' });
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const token = 'metrics-token-0123456789abcdef';
  const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
  });
  afterAll(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await client.close();
  });

  it('answers a direct connection from this machine when no token is set, and no one else', async () => {
    const app = createApp({ client, keyring, log });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    expect((await fetch(url)).status).toBe(200);
    // Through a reverse proxy on the same host: loopback too, but forwarded.
    const proxied = await fetch(url, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(proxied.status).toBe(403);
    expect(((await proxied.json()) as { error: { message: string } }).error.message).toMatch(
      /WAFLOW_METRICS_TOKEN/,
    );
    expect((await app.request('/metrics', {}, from('203.0.113.7'))).status).toBe(403);
    expect((await app.request('/metrics', {}, from('10.0.0.5'))).status).toBe(403);
  });

  it('asks everyone for the Bearer token when WAFLOW_METRICS_TOKEN is set', async () => {
    const app = createApp({ client, keyring, log, metricsToken: token });
    const none = await app.request('/metrics', {}, from('127.0.0.1'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(
      (
        await app.request(
          '/metrics',
          { headers: { authorization: 'Bearer wrong-token' } },
          from('203.0.113.7'),
        )
      ).status,
    ).toBe(401);
    const ok = await app.request(
      '/metrics',
      { headers: { authorization: `Bearer ${token}` } },
      from('203.0.113.7'),
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^waflow_process_resident_memory_bytes \d+/m);
  });
});

describe('readiness with Redis', () => {
  it(
    'reports not-ready while Redis is down and ready again when it is back',
    { timeout: 60_000 },
    async () => {
      const { startRedis } = await import('@waflow/testkit');
      const { createRedisCoordinator } = await import('@waflow/coord');
      const redis = await startRedis();
      const client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
      await migrate(client);
      const coord = createRedisCoordinator({ url: redis.url, prefix: `ready${Date.now()}:` });
      const app = createApp({
        client,
        keyring: createKeyring({ k1: randomBytes(32) }, 'k1'),
        log: pino({ level: 'silent' }),
        coord,
      });
      try {
        // The coordinator's connection is still opening right after it is made: wait for it (bounded).
        let first = await app.request('/ready');
        for (let i = 0; i < 100 && first.status !== 200; i++) {
          await new Promise((r) => setTimeout(r, 50));
          first = await app.request('/ready');
        }
        expect(await first.json()).toEqual({
          ok: true,
          database: true,
          migrations: true,
          redis: true,
        });
        await redis.stop();
        let down: Response | undefined;
        for (let i = 0; i < 100 && down?.status !== 503; i++) {
          down = await app.request('/ready');
          if (down.status !== 503) await new Promise((r) => setTimeout(r, 100));
        }
        expect(down?.status).toBe(503);
        expect(((await down?.json()) as { problems: string[] }).problems.join(' ')).toMatch(
          /Redis is not reachable/,
        );
        await redis.start();
        let up: Response | undefined;
        for (let i = 0; i < 200 && up?.status !== 200; i++) {
          up = await app.request('/ready');
          if (up.status !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        expect(up?.status).toBe(200);
      } finally {
        await coord.close();
        await client.close();
        await redis.stop();
      }
    },
  );
});
