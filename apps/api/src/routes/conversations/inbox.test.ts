// The inbox on real Postgres with the embedded runtime and a sandbox number: conversations with
// filters and transcripts, take over (the bot goes quiet), manual reply, release (the flow
// carries on after its handoff block), and the results list and CSV export.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { DbClient } from '@waflow/db';
import type { Runtime, SandboxChannel } from '@waflow/runtime';
import { until } from '@waflow/testkit';
import { startInbox, type Inbox, type Json } from './inbox-test-harness.ts';
const example = (name: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../../../../schemas/examples/${name}.flow.json`, import.meta.url),
      'utf8',
    ),
  ) as Json;

describe('the inbox and results', () => {
  let inbox: Inbox;
  let client: DbClient;
  let runtime: Runtime;
  let app: Inbox['app'];
  let token = '';
  let ws = '';
  let sandbox: SandboxChannel;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async (method: string, path: string, body?: unknown) =>
    (await (await call(method, path, body)).json()) as Json;
  const texts = (to: string) =>
    sandbox.sent
      .filter((s) => s.message.to === to)
      .map((s) => (s.message.type === 'text' ? s.message.text : s.message.type));
  const say = async (from: string, text: string, replies: number) => {
    const before = texts(from).length;
    sandbox.deliver({ from, text });
    await until(
      () => (texts(from).length >= before + replies ? true : undefined),
      `${replies} replies to "${text}"`,
    );
  };

  beforeAll(async () => {
    const flow = { ...example('support-handoff'), name: 'Support', triggers: [{ type: 'any' }] };
    inbox = await startInbox(inject('pgUrl'), flow, { recoverMs: 200 });
    ({ client, runtime, app, token, ws, sandbox } = inbox);
  });
  afterAll(async () => {
    await inbox.close();
  });

  it('lists conversations with filters and shows a transcript with what was collected', async () => {
    await say('34600000001@c.us', 'help please', 1);
    await say('34600000001@c.us', '12345', 1);
    await say('34600000002@c.us', 'hello', 1);
    const all = await json('GET', `/api/v1/workspaces/${ws}/conversations`);
    expect((all.items as unknown[]).length).toBe(2);
    const found = await json('GET', `/api/v1/workspaces/${ws}/conversations?q=600000001`);
    const [conv] = found.items as { id: string; contact: { waId: string }; status: string }[];
    expect(found.items).toHaveLength(1);
    expect(conv?.contact.waId).toBe('34600000001@c.us');
    expect(
      (
        (await json('GET', `/api/v1/workspaces/${ws}/conversations?status=completed`))
          .items as unknown[]
      ).length,
    ).toBe(0);
    expect(
      (await call('GET', `/api/v1/workspaces/${ws}/conversations?status=sleeping`)).status,
    ).toBe(400);

    const one = await json('GET', `/api/v1/workspaces/${ws}/conversations/${conv?.id}`);
    expect(
      (one.messages as { direction: string; body: string }[]).map(
        (m) => `${m.direction}:${m.body}`,
      ),
    ).toEqual([
      'in:help please',
      "out:Sorry to hear that. What's your order number? (5 digits, like 12345)",
      'in:12345',
      expect.stringMatching(/^out:What happened with order 12345\?/),
    ]);
    expect(one.variables).toMatchObject({ order: '12345' });
  });

  it('takes a conversation over, replies as a person, and gives it back to the bot', async () => {
    const from = '34600000003@c.us';
    await say(from, 'my order', 1);
    const [conv] = (await json('GET', `/api/v1/workspaces/${ws}/conversations?q=600000003`))
      .items as { id: string }[];
    const path = `/api/v1/workspaces/${ws}/conversations/${conv?.id}`;
    expect((await json('POST', `${path}/handoff`)).status).toBe('handoff');

    // The bot stays quiet; the message is kept for the person.
    sandbox.deliver({ from, text: '54321' });
    await until(
      async () =>
        ((await json('GET', path)).messages as { body: string }[]).some(
          (m) => m.body === '54321',
        ) || undefined,
      'the message in the transcript',
    );
    await runtime.idle();
    expect(texts(from)).toHaveLength(1);

    const reply = await call('POST', `${path}/messages`, { text: 'Hi, Ana from support here.' });
    expect(reply.status).toBe(202);
    await until(
      () => (texts(from).includes('Hi, Ana from support here.') ? true : undefined),
      'the manual reply sent',
    );
    expect((await call('POST', `${path}/messages`, { text: '   ' })).status).toBe(400);

    expect((await json('POST', `${path}/release`)).status).toBe('waiting');
    expect((await call('POST', `${path}/release`)).status).toBe(409);
    // The flow carries on where it was: still asking for the order number.
    await say(from, '54321', 1);
    expect(texts(from).at(-1)).toMatch(/What happened with order 54321/);
    const audit = (await json('GET', `/api/v1/workspaces/${ws}/audit?entity=conversation`))
      .items as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual([
      'conversation.release',
      'conversation.reply',
      'conversation.handoff',
    ]);
  });

  it('sends a reply once per Idempotency-Key: a retry gets the first answer, other text under the same key a 409', async () => {
    const from = '34600000013@c.us';
    await say(from, 'my order', 1);
    const [conv] = (await json('GET', `/api/v1/workspaces/${ws}/conversations?q=600000013`))
      .items as { id: string }[];
    const path = `/api/v1/workspaces/${ws}/conversations/${conv?.id}`;
    const reply = (text: string) =>
      call('POST', `${path}/messages`, { text }, { 'idempotency-key': 'reply-1' });

    const first = await reply('On my way.');
    expect(first.status).toBe(202);
    const firstBody = (await first.json()) as Json;
    const retry = await reply('On my way.');
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retry.json()) as Json).messageId).toBe(firstBody.messageId);

    const other = await reply('Something else entirely.');
    expect(other.status).toBe(409);
    const error = ((await other.json()) as { error: Json }).error;
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(error.message).toMatch(/used for a reply with other text: use a new key/);

    await until(() => (texts(from).includes('On my way.') ? true : undefined), 'the reply sent');
    await runtime.idle();
    expect(texts(from).filter((t) => t === 'On my way.')).toHaveLength(1);
    expect(texts(from)).not.toContain('Something else entirely.');
    const bodies = ((await json('GET', path)).messages as { body: string }[]).map((m) => m.body);
    expect(bodies.filter((b) => b === 'On my way.')).toHaveLength(1);
    expect(bodies).not.toContain('Something else entirely.');
  });

  it('shows why the flow handed a conversation to a person, until it is given back', async () => {
    const from = '34600000005@c.us';
    await say(from, 'my order', 1);
    await say(from, '54321', 1);
    await say(from, '2', 1);
    const [conv] = (await json('GET', `/api/v1/workspaces/${ws}/conversations?q=600000005`))
      .items as { id: string }[];
    const path = `/api/v1/workspaces/${ws}/conversations/${conv?.id}`;
    const handed = await until(async () => {
      const d = await json('GET', path);
      return d.status === 'handoff' ? d : undefined;
    }, 'the handoff');
    expect(handed.handoffReason).toBe('Order not delivered');
    expect((await json('POST', `${path}/release`)).status).toBe('waiting');
    expect((await json('GET', path)).handoffReason).toBeNull();
  });

  it('lists results with filters and exports them as CSV', async () => {
    const from = '34600000004@c.us';
    await say(from, 'order', 1);
    await say(from, '11111', 1);
    await say(from, '1', 2);
    await say(from, '5', 1);
    const completed = await until(async () => {
      const r = await json('GET', `/api/v1/workspaces/${ws}/results?status=completed`);
      return (r.items as unknown[]).length
        ? (r.items as { variables: Json; contact: { waId: string } }[])
        : undefined;
    }, 'a completed result');
    expect(completed[0]).toMatchObject({
      variables: { order: '11111', issue: 'It arrived damaged', rating: 5 },
      contact: { waId: from },
    });
    expect(
      ((await json('GET', `/api/v1/workspaces/${ws}/results`)).items as unknown[]).length,
    ).toBeGreaterThan(1);
    expect(
      ((await json('GET', `/api/v1/workspaces/${ws}/results?to=2000-01-01`)).items as unknown[])
        .length,
    ).toBe(0);
    expect((await call('GET', `/api/v1/workspaces/${ws}/results?from=yesterday-ish`)).status).toBe(
      400,
    );

    const csv = await call('GET', `/api/v1/workspaces/${ws}/results.csv?status=completed`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="waflow-results-/);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'result_id,status,flow,contact_phone,contact_name,started_at,updated_at,issue,order,rating',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/,completed,Support,34600000004,,.*,It arrived damaged,11111,5$/);
  });

  it('erases a contact on request: nothing of them is left, the audit log says so, and they can write again', async () => {
    const from = '34600000009@c.us';
    await say(from, 'help please', 1);
    await say(from, '99999', 1);
    const convs = await json('GET', `/api/v1/workspaces/${ws}/conversations?q=600000009`);
    const [conv] = convs.items as { id: string; contact: { id: string } }[];
    const contactId = conv?.contact.id ?? '';
    expect(contactId).not.toBe('');

    expect((await call('DELETE', `/api/v1/workspaces/${ws}/contacts/not-an-id`)).status).toBe(404);
    const erased = await call('DELETE', `/api/v1/workspaces/${ws}/contacts/${contactId}`);
    expect(erased.status).toBe(200);
    const body = (await erased.json()) as { deleted: Record<string, number> };
    expect(body.deleted).toMatchObject({ conversations: 1, results: 1 });
    expect(body.deleted.messages).toBeGreaterThanOrEqual(4);
    expect(body.deleted.inboundEvents).toBe(2);

    expect(
      ((await json('GET', `/api/v1/workspaces/${ws}/conversations?q=600000009`)).items as unknown[])
        .length,
    ).toBe(0);
    expect(
      (await call('GET', `/api/v1/workspaces/${ws}/conversations/${conv?.id ?? ''}`)).status,
    ).toBe(404);
    const results = (await json('GET', `/api/v1/workspaces/${ws}/results`)).items as {
      contact: { waId: string } | null;
    }[];
    expect(results.some((r) => r.contact?.waId === from)).toBe(false);
    const left = await client.query<{ n: number }>(
      `select (select count(*) from inbound_events where from_wa_id = $1) + (select count(*) from contacts where wa_id = $1) + (select count(*) from outbox where payload->>'to' = $1) as n`,
      [from],
    );
    expect(Number(left[0]?.n)).toBe(0);
    const audit = await json('GET', `/api/v1/workspaces/${ws}/audit?action=contact.erase`);
    const entry = (audit.items as { action: string; entityId: string; after: Json }[]).find(
      (a) => a.action === 'contact.erase',
    );
    expect(entry).toMatchObject({ entityId: contactId, after: { conversations: 1 } });
    expect(JSON.stringify(entry)).not.toContain('600000009');
    expect((await call('DELETE', `/api/v1/workspaces/${ws}/contacts/${contactId}`)).status).toBe(
      404,
    );

    // They write again: a new contact, a new conversation from the start of the flow.
    await say(from, 'help please', 1);
    const again = (await json('GET', `/api/v1/workspaces/${ws}/conversations?q=600000009`))
      .items as { contact: { id: string } }[];
    expect(again).toHaveLength(1);
    expect(again[0]?.contact.id).not.toBe(contactId);
  });

  it('keeps a retention period in the workspace settings, and says what to change when it is not one', async () => {
    const bad = await call('PATCH', `/api/v1/workspaces/${ws}`, { settings: { retentionDays: 0 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('at least 1 day');
    expect(
      (
        (await json('PATCH', `/api/v1/workspaces/${ws}`, { settings: { retentionDays: 90 } }))
          .settings as Json
      ).retentionDays,
    ).toBe(90);
    expect(
      (
        (await json('PATCH', `/api/v1/workspaces/${ws}`, { settings: { retentionDays: null } }))
          .settings as Json
      ).retentionDays,
    ).toBeNull();
  });
});
