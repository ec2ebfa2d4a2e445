// The thin path through the API on real Postgres: flows with drafts and publishing, the
// simulator through the embedded runtime, the bad inputs around them, and a viewer's limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hash } from '@node-rs/argon2';
import {
  addMember,
  createUser,
  loadPublishedVersionForNumber,
  schema,
  type DbClient,
} from '@waflow/db';
import type { Runtime } from '@waflow/runtime';
import { caller, startApiWithRuntime, type App } from './app-test-harness.ts';

const lead = JSON.parse(
  readFileSync(
    new URL('../../../schemas/examples/lead-capture.flow.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown>;

describe('the API: flows, the simulator and bad input', () => {
  let client: DbClient;
  let runtime: Runtime;
  let app: App;
  let token = '';
  let ws = '';
  const call = caller(
    () => app,
    () => token,
  );

  beforeAll(async () => {
    ({ client, runtime, app } = await startApiWithRuntime());
    const res = await call('POST', '/api/v1/setup', {
      email: 'owner@acme.test',
      password: 'correct horse battery',
      name: 'Olga',
      workspaceName: 'Acme',
    });
    const body = (await res.json()) as { accessToken: string; workspaces: { id: string }[] };
    token = body.accessToken;
    ws = body.workspaces[0]?.id ?? '';
  });
  afterAll(async () => {
    await runtime.stop();
    await client.close();
  });

  it('creates a blank flow in the time zone the web app sends, and refuses one that is not', async () => {
    const made = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
      name: 'Opening hours',
      timezone: 'America/Mexico_City',
    });
    expect(made.status).toBe(201);
    expect(
      ((await made.json()) as { draft: { settings?: { timezone?: string } } }).draft.settings
        ?.timezone,
    ).toBe('America/Mexico_City');
    const bad = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
      name: 'Nowhere',
      timezone: 'Mars/Olympus',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /time zone name like Europe\/Madrid/,
    );
  });

  it('publishes a flow the runtime loader then serves, after refusing an invalid one with block-level errors', async () => {
    const created = await call('POST', `/api/v1/workspaces/${ws}/flows`, { name: 'Leads' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const etag = created.headers.get('etag') ?? '';

    const broken = {
      ...lead,
      nodes: [
        ...(lead.nodes as object[]),
        { id: 'orphan', type: 'say', message: { kind: 'text', text: 'x' } },
      ],
    };
    const before = (await (await call('GET', `/api/v1/workspaces/${ws}/flows/${id}`)).json()) as {
      draft: { nodes: unknown[] };
    };
    const saved = await call('PUT', `/api/v1/workspaces/${ws}/flows/${id}/draft`, broken, {
      'if-match': etag,
    });
    expect(saved.status).toBe(200);
    // A read after a save serves the new draft (the API keeps the text it last served per revision).
    const read = await call('GET', `/api/v1/workspaces/${ws}/flows/${id}`);
    expect(read.headers.get('etag')).toBe(saved.headers.get('etag'));
    const after = (await read.json()) as { draft: { nodes: { id: string }[] } };
    expect(after.draft.nodes.map((n) => n.id)).toContain('orphan');
    expect(before.draft.nodes).not.toContainEqual(expect.objectContaining({ id: 'orphan' }));
    expect(
      ((await (await call('GET', `/api/v1/workspaces/${ws}/flows/${id}`)).json()) as typeof after)
        .draft,
    ).toEqual(after.draft);
    const stale = await call('PUT', `/api/v1/workspaces/${ws}/flows/${id}/draft`, lead, {
      'if-match': etag,
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('DRAFT_CONFLICT');
    // If-Match: * and what is no ETag are not a conflict: each says what is wrong, nothing is saved.
    const refusal = async (ifMatch: string) => {
      const res = await call('PUT', `/api/v1/workspaces/${ws}/flows/${id}/draft`, lead, {
        'if-match': ifMatch,
      });
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      return { status: res.status, ...error };
    };
    expect(await refusal('*')).toEqual({
      status: 412,
      code: 'IF_MATCH_ANY_UNSUPPORTED',
      message: expect.stringMatching(/If-Match: \* is not accepted for drafts.*send the ETag/),
    });
    for (const malformed of ['abc', '"12', '"1", "2"', 'W/"x"'])
      expect(await refusal(malformed)).toEqual({
        status: 400,
        code: 'IF_MATCH_INVALID',
        message: expect.stringMatching(/a revision number in double quotes, like "12"\. Got /),
      });
    expect((await refusal('abc')).message).toContain('Got "abc".');
    expect((await call('GET', `/api/v1/workspaces/${ws}/flows/${id}`)).headers.get('etag')).toBe(
      saved.headers.get('etag'),
    );

    const refused = await call('POST', `/api/v1/workspaces/${ws}/flows/${id}/publish`, {
      changelog: 'try',
    });
    expect(refused.status).toBe(422);
    expect(
      ((await refused.json()) as { error: { details: unknown[] } }).error.details,
    ).toContainEqual({
      code: 'UNREACHABLE_NODE',
      nodeId: 'orphan',
      field: 'id',
      message: 'No path leads to this block: connect it or delete it.',
    });

    // A weak ETag of the same revision is taken.
    const fixed = await call('PUT', `/api/v1/workspaces/${ws}/flows/${id}/draft`, lead, {
      'if-match': `W/${saved.headers.get('etag') ?? ''}`,
    });
    expect(fixed.status).toBe(200);
    const published = await call('POST', `/api/v1/workspaces/${ws}/flows/${id}/publish`, {
      changelog: 'first version',
    });
    expect(published.status).toBe(201);
    const version = (await published.json()) as { id: string; version: number };
    expect(version.version).toBe(1);

    const number = await call('POST', `/api/v1/workspaces/${ws}/numbers`, {
      label: 'Sales',
      flowId: id,
    });
    const { id: numberId } = (await number.json()) as { id: string };
    expect((await loadPublishedVersionForNumber(client.db, numberId))?.id).toBe(version.id);
  });

  it('chats with a draft in the simulator through the sandbox channel', async () => {
    const created = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
      name: 'Sim',
      config: lead,
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
      "Hi! I'm the Acme assistant. I'll ask three quick questions.",
      "What's your name?",
    ]);
  });

  it('answers malformed JSON, wrong types, oversized bodies, unknown ids and other workspaces clearly', async () => {
    const malformed = await call('POST', `/api/v1/workspaces/${ws}/flows`, '{"name":');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe(
      'MALFORMED_JSON',
    );
    const wrongType = await call('POST', `/api/v1/workspaces/${ws}/flows`, { name: 42 });
    expect(wrongType.status).toBe(400);
    const wrong = (
      (await wrongType.json()) as {
        error: { code: string; message: string; details: { field: string }[] };
      }
    ).error;
    expect(wrong).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('name'),
    });
    expect(wrong.details.map((d) => d.field)).toContain('name');
    const big = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
      name: 'x'.repeat(5 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toBe(
      'The body is larger than 4,096 KB, the most this server reads (WAFLOW_MAX_BODY_KB): send less at once.',
    );
    expect(
      (await call('GET', `/api/v1/workspaces/${ws}/flows/00000000-0000-0000-0000-000000000000`))
        .status,
    ).toBe(404);
    const [other] = await client.db
      .insert(schema.workspaces)
      .values({ name: 'Someone else' })
      .returning();
    expect((await call('GET', `/api/v1/workspaces/${other?.id}/flows`)).status).toBe(404);
    const res = await call('GET', '/api/v1/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('lets a viewer read flows but not change them', async () => {
    const viewer = await createUser(client.db, {
      email: 'viewer@acme.test',
      name: 'Vic',
      passwordHash: await hash('viewer password 1'),
    });
    await addMember(client.db, ws, viewer.id, 'viewer');
    const saved = token;
    token = '';
    const login = await call('POST', '/api/v1/auth/login', {
      email: 'viewer@acme.test',
      password: 'viewer password 1',
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
    expect((await call('GET', `/api/v1/workspaces/${ws}/flows`)).status).toBe(200);
    const denied = await call('POST', `/api/v1/workspaces/${ws}/flows`, { name: 'Nope' });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { message: string } }).error.message).toMatch(
      /viewer/,
    );
    token = saved;
  });
});
