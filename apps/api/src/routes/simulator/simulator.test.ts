// The simulator runs a draft through the embedded runtime: only with the workspace's own flows;
// messages are stored in the order they arrived, stamped on arrival.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import {
  createDb,
  createFlow,
  createKeyring,
  createWorkspace,
  migrate,
  publishFlowVersion,
  type DbClient,
} from '@waflow/db';
import { Runtime } from '@waflow/runtime';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../../app.ts';
import type { RuntimePort, SandboxPort } from '../../runtime-port.ts';

type Json = Record<string, unknown>;
const sayFlow = (text: string) => ({
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [],
  start: 's',
  nodes: [{ id: 's', type: 'say', message: { kind: 'text', text } }],
});
const callerFlow = (flowId: string) => ({
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [],
  start: 'call',
  nodes: [
    { id: 'call', type: 'subflow', flowId, next: 'bye' },
    { id: 'bye', type: 'end', message: 'done here' },
  ],
});

describe('the simulator', () => {
  let client: DbClient;
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let token = '';
  let ws = '';
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
    runtime = new Runtime({
      client,
      coord: createInProcessCoordinator(),
      log: pino({ level: 'silent' }),
      outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
    });
    await runtime.start();
    app = createApp({
      client,
      keyring,
      log: pino({ level: 'silent' }),
      runtime,
    });
    const setup = (await (
      await app.request('/api/v1/setup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'o@acme.test',
          password: 'correct horse battery',
          name: 'O',
          workspaceName: 'Acme',
        }),
      })
    ).json()) as Json;
    token = setup.accessToken as string;
    ws = (setup.workspaces as { id: string }[])[0]?.id ?? '';
  });
  afterAll(async () => {
    await runtime.stop();
    await client.close();
  });

  it('refuses a draft that calls another workspace’s flow, naming the block', async () => {
    const other = await createWorkspace(client.db, 'Someone else');
    const foreign = await createFlow(client.db, {
      workspaceId: other.id,
      name: 'Private',
      draft: sayFlow('their secret'),
    });
    await publishFlowVersion(client.db, { flowId: foreign.id, config: sayFlow('their secret') });
    const created = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
      name: 'Caller',
      config: callerFlow(foreign.id),
    });
    const { id } = (await created.json()) as { id: string };
    const started = await call('POST', `/api/v1/workspaces/${ws}/flows/${id}/simulator`);
    expect(started.status).toBe(422);
    const body = (await started.json()) as {
      error: { code: string; details: { nodeId?: string }[] };
    };
    expect(body.error.code).toBe('FLOW_INVALID');
    expect(body.error.details.some((d) => d.nodeId === 'call')).toBe(true);
  });

  it('runs a draft that calls a flow of the same workspace', async () => {
    const own = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
      name: 'Own',
      config: sayFlow('from our own sub-flow'),
    });
    const { id: ownId } = (await own.json()) as { id: string };
    expect(
      (await call('POST', `/api/v1/workspaces/${ws}/flows/${ownId}/publish`, { changelog: 'v1' }))
        .status,
    ).toBe(201);
    const created = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
      name: 'Caller 2',
      config: callerFlow(ownId),
    });
    const { id } = (await created.json()) as { id: string };
    const started = await call('POST', `/api/v1/workspaces/${ws}/flows/${id}/simulator`);
    expect(started.status).toBe(201);
    const { sessionId } = (await started.json()) as { sessionId: string };
    const sandbox = await runtime.attachSandbox(sessionId);
    expect(
      (
        await call('POST', `/api/v1/workspaces/${ws}/simulator/${sessionId}/messages`, {
          text: 'hi',
        })
      ).status,
    ).toBe(202);
    const deadline = Date.now() + 10_000;
    while (sandbox.sent.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(sandbox.sent.map((s) => (s.message.type === 'text' ? s.message.text : ''))).toEqual([
      'from our own sub-flow',
      'done here',
    ]);
  });
  it('stores messages sent on parallel connections in arrival order, stamped on arrival', async () => {
    const created = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
      name: 'Parallel',
      config: sayFlow('noted'),
    });
    const { id } = (await created.json()) as { id: string };
    const started = await call('POST', `/api/v1/workspaces/${ws}/flows/${id}/simulator`);
    const { sessionId } = (await started.json()) as { sessionId: string };
    // The first message's lookup is slow: it finishes only after the second's has, and later by
    // the clock (a minute). Stored in the order the handlers finished, "second" came first.
    const T = Date.now();
    let lookups = 0;
    let releaseFirst = () => {};
    const slowFirst: RuntimePort = {
      coord: runtime.coord,
      counters: runtime.counters,
      receive: (numberId, message, opts) => runtime.receive(numberId, message, opts),
      submit: (...args) => runtime.submit(...args),
      attachSandbox: (numberId): Promise<SandboxPort> => {
        lookups += 1;
        if (lookups === 1)
          return new Promise((resolve) => {
            releaseFirst = () => {
              vi.setSystemTime(T + 60_000);
              resolve(runtime.attachSandbox(numberId));
            };
          });
        // After everything the second request does next without waiting on I/O.
        setImmediate(() => releaseFirst());
        return runtime.attachSandbox(numberId);
      },
    };
    const parallel = createApp({
      client,
      keyring,
      log: pino({ level: 'silent' }),
      runtime: slowFirst,
    });
    const send = (text: string) =>
      parallel.request(`/api/v1/workspaces/${ws}/simulator/${sessionId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    vi.useFakeTimers({ now: T, toFake: ['Date'] });
    let statuses: number[];
    try {
      statuses = (await Promise.all([send('first'), send('second')])).map((r) => r.status);
    } finally {
      vi.useRealTimers();
    }
    expect(statuses).toEqual([202, 202]);
    const stored = await client.query<{ text: string; timestamp: number }>(
      `select payload->'message'->>'text' as text, (payload->'message'->>'timestamp')::float8 as timestamp
       from inbound_events where number_id = $1 order by seq`,
      [sessionId],
    );
    expect(stored).toEqual([
      { text: 'first', timestamp: T },
      { text: 'second', timestamp: T },
    ]);
  });
});
