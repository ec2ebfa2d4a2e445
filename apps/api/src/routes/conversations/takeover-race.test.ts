// Take-over raced against a turn (issue 22): an admin takes a conversation over while the bot's
// turn for the contact's message is between its claim and its commit. The turn under way may
// finish, but the person wins: the conversation stays taken over and the bot does not answer
// the contact's next message over the person.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { createDb, createKeyring, migrate, schema, transcript, type DbClient } from '@waflow/db';
import { Runtime, type SandboxChannel } from '@waflow/runtime';
import { createTestDatabase, echoFlow, until } from '@waflow/testkit';
import { eq } from 'drizzle-orm';
import { createApp } from '../../app.ts';

type Json = Record<string, unknown>;

describe('take-over against a turn under way', () => {
  let client: DbClient;
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let sandbox: SandboxChannel;
  let token = '';
  let ws = '';
  // The commit seam: while set, the next turn that advanced waits here between claim and commit.
  let hold: { entered: () => void; release: Promise<void> } | undefined;

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
      recoverMs: 200,
      beforeCommit: async () => {
        const h = hold;
        if (!h) return;
        hold = undefined;
        h.entered();
        await h.release;
      },
    });
    await runtime.start();
    app = createApp({
      client,
      keyring: createKeyring({ k1: randomBytes(32) }, 'k1'),
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
    const flow = (await (
      await call('POST', `/api/v1/workspaces/${ws}/flows`, { name: 'Echo', config: echoFlow })
    ).json()) as Json;
    expect(
      (
        await call('POST', `/api/v1/workspaces/${ws}/flows/${String(flow.id)}/publish`, {
          changelog: 'v1',
        })
      ).status,
    ).toBe(201);
    const number = (await (
      await call('POST', `/api/v1/workspaces/${ws}/numbers`, {
        label: 'Line',
        flowId: flow.id,
        channel: 'sandbox',
      })
    ).json()) as Json;
    sandbox = await runtime.attachSandbox(number.id as string);
  });
  afterAll(async () => {
    await runtime.stop();
    await client.close();
  });

  const repliesTo = (to: string) =>
    sandbox.sent
      .filter((s) => s.message.to === to)
      .map((s) => (s.message.type === 'text' ? s.message.text : s.message.type));

  it('keeps the conversation with the person when the take-over lands between a turn’s claim and its commit', async () => {
    const contact = '34600000009@c.us';
    sandbox.deliver({ from: contact, text: 'hi' });
    await until(() => (repliesTo(contact).length === 1 ? true : undefined), 'the first reply');
    const [conv] = await client.db
      .select({ id: schema.conversations.id })
      .from(schema.conversations);
    if (!conv) throw new Error('no conversation');

    // The last activity a while ago, as when the contact answers after a pause: the turn then
    // writes the conversation's row (within a second of the last activity it skips that write).
    await client.db
      .update(schema.conversations)
      .set({ lastActivityAt: new Date(Date.now() - 60_000) })
      .where(eq(schema.conversations.id, conv.id));

    // The contact's second message: its turn stops at the commit seam.
    let release!: () => void;
    const entered = new Promise<void>((resolve) => {
      hold = { entered: resolve, release: new Promise<void>((r) => (release = r)) };
    });
    sandbox.deliver({ from: contact, text: 'second' });
    await entered;

    // The admin takes over now. Give the request a moment to land (it waits for the turn's
    // lock once fixed; before, it wrote at once and the commit then wrote the status back).
    const takeOver = call('POST', `/api/v1/workspaces/${ws}/conversations/${conv.id}/handoff`);
    await Promise.race([takeOver, new Promise((r) => setTimeout(r, 300))]);
    release();
    expect((await takeOver).status).toBe(200);
    await until(
      () => (repliesTo(contact).length === 2 ? true : undefined),
      'the turn under way to finish',
    );

    const [after] = await client.db
      .select({
        status: schema.conversations.status,
        handoffUntil: schema.conversations.handoffUntil,
      })
      .from(schema.conversations)
      .where(eq(schema.conversations.id, conv.id));
    expect(after).toEqual({ status: 'handoff', handoffUntil: null });

    // The contact writes again: it goes into the transcript for the person, the bot stays quiet.
    sandbox.deliver({ from: contact, text: 'third' });
    const lines = await until(async () => {
      const t = await transcript(client.db, conv.id);
      return t.some((m) => m.direction === 'in' && m.body === 'third') ? t : undefined;
    }, 'the third message in the transcript');
    expect(lines.filter((m) => m.direction === 'out').map((m) => m.body)).toEqual([
      'say something',
      'got second',
    ]);
    expect(repliesTo(contact)).toEqual(['say something', 'got second']);
  });
});
