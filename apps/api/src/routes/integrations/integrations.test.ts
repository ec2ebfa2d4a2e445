// Integrators end to end on real Postgres with the embedded runtime: a webhook endpoint receives
// signed deliveries (verified with the official standardwebhooks library) from a conversation an
// API key started; secrets rotate with a grace period; deliveries replay and recover; bad URLs,
// keys and Idempotency-Keys get clear answers.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { createInProcessCoordinator } from '@waflow/coord';
import { createDb, createKeyring, migrate, schema, type DbClient } from '@waflow/db';
import { Runtime, type SandboxChannel } from '@waflow/runtime';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../../app.ts';

type Json = Record<string, unknown>;
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('integrators: webhooks, API keys and the integrator API', () => {
  let client: DbClient;
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let server: Server;
  let receiverUrl = '';
  let answer = 200;
  const received: Received[] = [];
  let admin = '';
  let ws = '';
  let flowId = '';
  let numberId = '';
  let sandbox: SandboxChannel;
  const egressPolicy = { allowHosts: [], allowCidrs: ['127.0.0.0/8'] };

  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await app.request(path, {
      method,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Json };
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hooks`;

    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
    const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
    runtime = new Runtime({ client, coord: createInProcessCoordinator(), keyring, egressPolicy, log: pino({ level: 'silent' }), outbox: { pacing: { ratePerSec: 1000, burst: 1000 } }, pollMs: 50, recoverMs: 200 });
    await runtime.start();
    app = createApp({ client, keyring, log: pino({ level: 'silent' }), runtime, egressPolicy });
    const setup = await call('POST', '/api/v1/setup', { body: { email: 'o@acme.test', password: 'correct horse battery', name: 'O', workspaceName: 'Acme' } });
    admin = setup.body.accessToken as string;
    ws = (setup.body.workspaces as { id: string }[])[0]?.id ?? '';

    const lead = JSON.parse(readFileSync(new URL('../../../../../schemas/examples/lead-capture.flow.json', import.meta.url), 'utf8')) as Json;
    const flow = await call('POST', `/api/v1/workspaces/${ws}/flows`, { token: admin, body: { name: 'Leads', config: { ...lead, triggers: [...(lead.triggers as unknown[]), { type: 'api' }] } } });
    flowId = flow.body.id as string;
    expect((await call('POST', `/api/v1/workspaces/${ws}/flows/${flowId}/publish`, { token: admin, body: {} })).status).toBe(201);
    numberId = (await call('POST', `/api/v1/workspaces/${ws}/numbers`, { token: admin, body: { label: 'Sales', flowId, channel: 'sandbox' } })).body.id as string;
    sandbox = await runtime.attachSandbox(numberId);
  });
  afterAll(async () => {
    await runtime.stop();
    await client.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  let secret = '';
  let endpointId = '';

  it('adds an endpoint, showing its secret once, and refuses URLs that point inside the network', async () => {
    for (const bad of ['http://169.254.169.254/latest', 'http://[::1]:8080/', 'http://10.0.0.5/x', 'ftp://example.com/x']) {
      const r = await call('POST', `/api/v1/workspaces/${ws}/webhooks`, { token: admin, body: { url: bad, events: ['*'] } });
      expect([400, 422], bad).toContain(r.status);
    }
    const blocked = await call('POST', `/api/v1/workspaces/${ws}/webhooks`, { token: admin, body: { url: 'http://169.254.169.254/', events: ['*'] } });
    expect((blocked.body.error as Json).message).toMatch(/not a public address/);
    expect((await call('POST', `/api/v1/workspaces/${ws}/webhooks`, { token: admin, body: { url: receiverUrl, events: ['Not An Event'] } })).status).toBe(400);

    const created = await call('POST', `/api/v1/workspaces/${ws}/webhooks`, { token: admin, body: { url: receiverUrl, events: ['*'], description: 'CRM' } });
    expect(created.status).toBe(201);
    secret = created.body.secret as string;
    endpointId = created.body.id as string;
    expect(secret).toMatch(/^whsec_/);
    const [row] = await client.db.select().from(schema.webhookEndpoints);
    expect(row?.secret).not.toContain(secret.slice(6));
    expect(JSON.stringify((await call('GET', `/api/v1/workspaces/${ws}/webhooks/${endpointId}`, { token: admin })).body)).not.toContain(secret.slice(6));
  });

  let apiKey = '';
  it('creates an API key shown once, lists it masked, and refuses unknown keys', async () => {
    const created = await call('POST', `/api/v1/workspaces/${ws}/api-keys`, { token: admin, body: { name: 'CRM sync' } });
    expect(created.status).toBe(201);
    apiKey = created.body.key as string;
    expect(apiKey).toMatch(/^wf_[\w-]{40,}$/);
    const list = await call('GET', `/api/v1/workspaces/${ws}/api-keys`, { token: admin });
    expect(JSON.stringify(list.body)).not.toContain(apiKey);
    expect((list.body.items as { prefix: string }[])[0]?.prefix).toBe(`${apiKey.slice(0, 10)}…`);
    expect((await call('GET', '/api/v1/integrations/results', { token: `wf_${'x'.repeat(43)}` })).status).toBe(401);
    expect((await call('GET', '/api/v1/integrations/results', { token: admin })).status).toBe(401);
  });

  it('starts the flow for a contact through the API, once per Idempotency-Key, and signs every webhook', async () => {
    const body = { numberId, contact: { phone: '+34 600 123 456', name: 'Ana' }, variables: { name: 'Ana' } };
    const start = (key: string, b: unknown = body) => call('POST', `/api/v1/integrations/flows/${flowId}/start`, { token: apiKey, body: b, headers: { 'idempotency-key': key } });
    const first = await start('start-1');
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ contact: '34600123456@c.us', status: 'accepted' });
    const again = await start('start-1');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await start('start-1', { ...body, variables: {} })).status).toBe(409);
    await until(() => (sandbox.sent.filter((s) => s.message.to === '34600123456@c.us').length >= 2 ? true : undefined), 'the flow’s first two messages');
    await runtime.idle();
    expect(sandbox.sent.filter((s) => s.message.to === '34600123456@c.us')).toHaveLength(2);
    // In a conversation now: a second start is refused with where to look.
    const busy = await start('start-2');
    expect(busy.status).toBe(409);
    expect((busy.body.error as Json).code).toBe('CONVERSATION_IN_PROGRESS');

    const started = await until(() => received.find((r) => JSON.parse(r.body).type === 'conversation.started'), 'conversation.started delivered');
    const verified = new Webhook(secret).verify(started.body, { 'webhook-id': String(started.headers['webhook-id']), 'webhook-timestamp': String(started.headers['webhook-timestamp']), 'webhook-signature': String(started.headers['webhook-signature']) }) as Json;
    expect(verified.type).toBe('conversation.started');
    expect(() => new Webhook(secret).verify(started.body.replace('conversation', 'c0nversation'), { 'webhook-id': String(started.headers['webhook-id']), 'webhook-timestamp': String(started.headers['webhook-timestamp']), 'webhook-signature': String(started.headers['webhook-signature']) })).toThrow();

    // The other workspace's flow, a bad phone and a revoked key.
    expect((await call('POST', `/api/v1/integrations/flows/00000000-0000-4000-8000-000000000000/start`, { token: apiKey, body })).status).toBe(404);
    expect((await call('POST', `/api/v1/integrations/flows/${flowId}/start`, { token: apiKey, body: { ...body, contact: { phone: 'call me' } } })).status).toBe(400);
  });

  it('sends a message from a number and reads results and the conversation', async () => {
    const sent = await call('POST', '/api/v1/integrations/messages', { token: apiKey, body: { numberId, to: '+34600999888', text: 'Your order shipped.' }, headers: { 'idempotency-key': 'msg-1' } });
    expect(sent.status).toBe(202);
    expect((await call('POST', '/api/v1/integrations/messages', { token: apiKey, body: { numberId, to: '+34600999888', text: 'Your order shipped.' }, headers: { 'idempotency-key': 'msg-1' } })).body).toEqual(sent.body);
    await until(() => (sandbox.sent.some((s) => s.message.to === '34600999888@c.us') ? true : undefined), 'the integrator’s message');
    expect(sandbox.sent.filter((s) => s.message.to === '34600999888@c.us')).toHaveLength(1);

    // The contact answers the flow's first question: the run now has a (partial) result.
    sandbox.deliver({ from: '34600123456@c.us', text: 'Ana María' });
    await until(async () => (await client.db.select({ id: schema.results.id }).from(schema.results))[0], 'a result row');
    const results = await call('GET', `/api/v1/integrations/results?flowId=${flowId}`, { token: apiKey });
    const [r] = results.body.items as { conversationId: string; variables: Json }[];
    expect(r?.variables).toMatchObject({ name: 'Ana María' });
    const conv = await call('GET', `/api/v1/integrations/conversations/${r?.conversationId}`, { token: apiKey });
    expect((conv.body.messages as { direction: string }[]).length).toBeGreaterThan(0);
  });

  it('rotates the secret with both signatures during the grace period, replays and recovers deliveries', async () => {
    const rotated = await call('POST', `/api/v1/workspaces/${ws}/webhooks/${endpointId}/rotate-secret`, { token: admin });
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(secret);
    received.length = 0;
    expect((await call('POST', `/api/v1/workspaces/${ws}/webhooks/${endpointId}/test`, { token: admin })).status).toBe(202);
    const test = await until(() => received.find((r) => JSON.parse(r.body).type === 'webhook.test'), 'webhook.test delivered');
    const headers = { 'webhook-id': String(test.headers['webhook-id']), 'webhook-timestamp': String(test.headers['webhook-timestamp']), 'webhook-signature': String(test.headers['webhook-signature']) };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(newSecret).verify(test.body, headers)).toBeTruthy();
    expect(new Webhook(secret).verify(test.body, headers)).toBeTruthy();

    // A receiver that says 410 Gone has the endpoint disabled; after it is enabled again the
    // failed deliveries are recovered and arrive with their original webhook-id.
    answer = 410;
    const t0 = new Date(Date.now() - 1000).toISOString();
    await call('POST', `/api/v1/workspaces/${ws}/webhooks/${endpointId}/test`, { token: admin });
    await until(async () => ((await call('GET', `/api/v1/workspaces/${ws}/webhooks/${endpointId}`, { token: admin })).body.enabled === false ? true : undefined), 'the endpoint disabled');
    const log = await call('GET', `/api/v1/workspaces/${ws}/webhooks/${endpointId}/deliveries?status=failed`, { token: admin });
    const failed = (log.body.items as { id: string; eventId: string; attemptLog: { statusCode: number }[] }[])[0];
    expect(failed?.attemptLog.map((a) => a.statusCode)).toEqual([410]);
    expect((await call('POST', `/api/v1/workspaces/${ws}/webhooks/deliveries/${failed?.id}/replay`, { token: admin })).status).toBe(409);

    answer = 200;
    expect((await call('PATCH', `/api/v1/workspaces/${ws}/webhooks/${endpointId}`, { token: admin, body: { enabled: true } })).body).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    received.length = 0;
    const recovered = await call('POST', `/api/v1/workspaces/${ws}/webhooks/${endpointId}/recover`, { token: admin, body: { since: t0 } });
    expect(recovered.body.queued).toBeGreaterThanOrEqual(1);
    const again = await until(() => received.find((r) => r.headers['webhook-id'] === failed?.eventId), 'the recovered delivery');
    expect(JSON.parse(again.body).type).toBe('webhook.test');

    const delivered = await until(async () => {
      const d = await call('GET', `/api/v1/workspaces/${ws}/webhooks/${endpointId}/deliveries?status=delivered&limit=1`, { token: admin });
      return (d.body.items as { id: string }[])[0];
    }, 'a delivered delivery');
    received.length = 0;
    expect((await call('POST', `/api/v1/workspaces/${ws}/webhooks/deliveries/${delivered.id}/replay`, { token: admin })).status).toBe(202);
    await until(() => (received.length > 0 ? true : undefined), 'the replayed delivery');
  });

  it('limits each key’s request rate with a 429 that says when to retry', async () => {
    const key = (await call('POST', `/api/v1/workspaces/${ws}/api-keys`, { token: admin, body: { name: 'Burst' } })).body.key as string;
    const answers = await Promise.all(Array.from({ length: 40 }, () => call('GET', '/api/v1/integrations/results?limit=1', { token: key })));
    const limited = answers.find((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(30);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('revokes the API key at once', async () => {
    const key = ((await call('GET', `/api/v1/workspaces/${ws}/api-keys`, { token: admin })).body.items as { id: string; name: string }[]).find((k) => k.name === 'CRM sync');
    expect((await call('DELETE', `/api/v1/workspaces/${ws}/api-keys/${key?.id}`, { token: admin })).status).toBe(204);
    const refused = await call('GET', '/api/v1/integrations/results', { token: apiKey });
    expect(refused.status).toBe(401);
    expect((refused.body.error as Json).message).toMatch(/revoked/);
  });
});
