// Redis stopped mid-run (a real Redis, stopped and started again on the same port): the runtime
// reports not-ready, refuses the simulator (a channel that can wait: 503 with Retry-After, nothing
// stored), keeps what a channel that cannot wait delivers (persisted, pending, unanswered), and
// when Redis is back it answers everything by itself, each message once, in order.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createRedisCoordinator, type Coordinator } from '@waflow/coord';
import { createDb, createKeyring, migrate, schema, type DbClient } from '@waflow/db';
import { Runtime } from '@waflow/runtime';
import { createTestDatabase, echoFlow, startRedis, type RedisServer } from '@waflow/testkit';
import { eq, sql } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Redis stopped mid-run', () => {
  let redis: RedisServer;
  let client: DbClient;
  let coord: Coordinator;
  let runtime: Runtime;

  beforeAll(async () => {
    redis = await startRedis();
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
    coord = createRedisCoordinator({ url: redis.url, prefix: `down${Date.now()}:` });
    runtime = new Runtime({
      client,
      coord,
      log: pino({ level: 'silent' }),
      coordHealthMs: 200,
      recoverMs: 500,
      outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime?.stop();
    await coord?.close();
    await client?.close();
    await redis?.stop();
  });

  it(
    'reports not-ready, refuses what can wait, keeps what cannot, and recovers by itself with nothing lost',
    { timeout: 120_000 },
    async () => {
      const app = createApp({
        client,
        keyring: createKeyring({ k1: randomBytes(32) }, 'k1'),
        log: pino({ level: 'silent' }),
        runtime,
        coord,
      });
      const call = async (method: string, path: string, body?: unknown, token?: string) =>
        app.request(`/api/v1${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const setup = (await (
        await call('POST', '/setup', {
          email: 'o@acme.test',
          password: 'correct horse battery',
          name: 'O',
          workspaceName: 'Acme',
        })
      ).json()) as { accessToken: string; workspaces: { id: string }[] };
      const token = setup.accessToken;
      const ws = setup.workspaces[0]?.id ?? '';
      const flow = (await (
        await call('POST', `/workspaces/${ws}/flows`, { name: 'Echo', config: echoFlow }, token)
      ).json()) as { id: string };
      const sid = (
        (await (
          await call('POST', `/workspaces/${ws}/flows/${flow.id}/simulator`, {}, token)
        ).json()) as { sessionId: string }
      ).sessionId;
      const simulator = await runtime.attachSandbox(sid);
      const simulate = (text: string) =>
        call('POST', `/workspaces/${ws}/simulator/${sid}/messages`, { text }, token);

      // A number whose channel cannot hold messages back (as WhatsApp): its inbound is always kept.
      const [number] = await client.db
        .insert(schema.numbers)
        .values({
          workspaceId: ws,
          label: 'line',
          channel: 'sandbox',
          flowId: flow.id,
          pinnedVersionId:
            (await client.db.select().from(schema.numbers).where(eq(schema.numbers.id, sid)))[0]
              ?.pinnedVersionId ?? null,
          status: 'ready',
        })
        .returning();
      const line = await runtime.attachSandbox(number?.id ?? '');
      const contact = '34600000042@c.us';
      line.deliver({ from: contact, text: 'm0' });
      expect((await simulate('hello')).status).toBe(202);
      await until(
        'both first replies',
        () => line.sent.length === 1 && simulator.sent.length === 1,
      );

      await redis.stop();
      await until('the runtime noticing', () => !runtime.coordinationReady);
      expect((await app.request('/ready')).status).toBe(503);

      // The simulator can wait: refused with a clear error, nothing stored.
      const eventsBefore = await client.db
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.numberId, sid));
      const refused = await simulate('while Redis is down');
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(
        ((await refused.json()) as { error: { code: string; message: string } }).error,
      ).toMatchObject({
        code: 'RUNTIME_NOT_READY',
        message: expect.stringMatching(/cannot reach Redis.*try again/),
      });
      expect(
        await client.db
          .select({ n: sql<number>`count(*)::int` })
          .from(schema.inboundEvents)
          .where(eq(schema.inboundEvents.numberId, sid)),
      ).toEqual(eventsBefore);

      // The line cannot wait: its messages are persisted and wait, unanswered.
      for (let i = 1; i <= 5; i++) line.deliver({ from: contact, text: `m${i}` });
      await until('five events kept', async () => {
        const rows = await client.db
          .select()
          .from(schema.inboundEvents)
          .where(eq(schema.inboundEvents.numberId, number?.id ?? ''));
        return rows.length === 6 ? rows : undefined;
      });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(line.sent).toHaveLength(1);

      // Redis back: everything is answered by itself, once each, in order.
      await redis.start();
      await until('the runtime ready again', () => runtime.coordinationReady, 30_000);
      await until('the kept messages answered', () => line.sent.length >= 6, 30_000);
      await runtime.idle();
      expect(
        line.sent.map((m) => (m.message.type === 'text' ? m.message.text : m.message.type)),
      ).toEqual(['say something', 'got m1', 'got m2', 'got m3', 'got m4', 'got m5']);
      const pending = await client.db
        .select()
        .from(schema.inboundEvents)
        .where(sql`${schema.inboundEvents.status} <> 'processed'`);
      expect(pending).toEqual([]);
      expect((await simulate('after')).status).toBe(202);
      await until('the simulator answering again', () => simulator.sent.length === 2);
      expect((await app.request('/ready')).status).toBe(200);
    },
  );
});
