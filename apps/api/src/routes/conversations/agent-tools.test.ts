// Two agents in one inbox (real Postgres, the embedded runtime, a sandbox number): who takes a
// conversation over has it and the other cannot reply over them; assignment and the views Mine /
// Unassigned / Handed off / Bot; unread counts per member; internal notes never sent; ending.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { echoFlow, until } from '@waflow/testkit';
import { startInbox, type Inbox } from './inbox-test-harness.ts';

type Row = { id: string; status: string; assignedTo: string | null; unread: number };

describe('agents sharing the inbox', () => {
  let inbox: Inbox;
  let ana: Awaited<ReturnType<Inbox['member']>>;
  let ben: Awaited<ReturnType<Inbox['member']>>;
  let viewer: Awaited<ReturnType<Inbox['member']>>;
  const list = async (as: typeof ana, query = '') =>
    ((await (await as.call('GET', `/conversations${query}`)).json()) as { items: Row[] }).items;

  beforeAll(async () => {
    inbox = await startInbox(inject('pgUrl'), echoFlow);
    ana = await inbox.member('Ana', 'editor');
    ben = await inbox.member('Ben', 'editor');
    viewer = await inbox.member('Vera', 'viewer');
  });
  afterAll(async () => {
    await inbox.close();
  });

  it('gives the conversation to who takes it over; the other cannot reply over them', async () => {
    inbox.sandbox.deliver({ from: '34600000101@c.us', text: 'hi' });
    await until(() => (inbox.sandbox.sent.length >= 1 ? true : undefined), 'the bot’s reply');
    const [conv] = await list(ana);
    expect(conv).toMatchObject({ status: 'waiting', assignedTo: null, unread: 1 });
    const id = conv!.id;
    expect((await list(ana, '?view=bot')).map((r) => r.id)).toEqual([id]);
    expect(await list(ana, '?view=mine')).toEqual([]);

    expect((await ana.call('POST', `/conversations/${id}/handoff`)).status).toBe(200);
    expect((await list(ana, '?view=mine')).map((r) => r.assignedTo)).toEqual([ana.id]);
    expect(await list(ben, '?view=mine')).toEqual([]);
    expect((await list(ben, '?view=handoff')).map((r) => r.id)).toEqual([id]);

    const over = await ben.call('POST', `/conversations/${id}/messages`, { text: 'me too' });
    expect(over.status).toBe(409);
    expect(await over.json()).toMatchObject({
      error: {
        code: 'ASSIGNED_TO_OTHER',
        message: expect.stringContaining('Ana has this conversation'),
      },
    });
    expect((await ben.call('POST', `/conversations/${id}/handoff`)).status).toBe(409);
    expect(
      (await ana.call('POST', `/conversations/${id}/messages`, { text: 'Ana here' })).status,
    ).toBe(202);
    await until(
      () =>
        inbox.sandbox.sent.some((s) => s.message.type === 'text' && s.message.text === 'Ana here')
          ? true
          : undefined,
      'Ana’s reply sent',
    );
    expect(
      inbox.sandbox.sent.some((s) => s.message.type === 'text' && s.message.text === 'me too'),
    ).toBe(false);

    // Given to Ben: now he answers.
    expect((await ana.call('POST', `/conversations/${id}/assign`, { userId: ben.id })).status).toBe(
      200,
    );
    expect(
      (await ben.call('POST', `/conversations/${id}/messages`, { text: 'Ben now' })).status,
    ).toBe(202);
    await until(
      () =>
        inbox.sandbox.sent.some((s) => s.message.type === 'text' && s.message.text === 'Ben now')
          ? true
          : undefined,
      'Ben’s reply sent',
    );
    const stranger = await ana.call('POST', `/conversations/${id}/assign`, {
      userId: '00000000-0000-4000-8000-000000000000',
    });
    expect(stranger.status).toBe(422);
    expect(await stranger.json()).toMatchObject({ error: { code: 'NOT_A_MEMBER' } });
    expect(
      (await viewer.call('POST', `/conversations/${id}/assign`, { userId: null })).status,
    ).toBe(403);
    expect((await viewer.call('POST', `/conversations/${id}/messages`, { text: 'x' })).status).toBe(
      403,
    );
  });

  it('counts unread per member, and a handed-off conversation nobody has as unassigned', async () => {
    inbox.sandbox.deliver({ from: '34600000102@c.us', text: 'hello' });
    const row = await until(async () => {
      const r = (await list(ana)).find((x) => x.unread === 1 && x.status !== 'handoff');
      return r;
    }, 'the new conversation');
    expect((await (await ana.call('GET', '/conversations/unread')).json()) as object).toMatchObject(
      {
        conversations: 2,
      },
    );
    expect((await ana.call('POST', `/conversations/${row.id}/read`)).status).toBe(200);
    expect((await list(ana)).find((x) => x.id === row.id)?.unread).toBe(0);
    expect((await list(ben)).find((x) => x.id === row.id)?.unread).toBe(1);
    await inbox.client.query(`update conversations set status = 'handoff' where id = $1`, [row.id]);
    expect((await list(ben, '?view=unassigned')).map((r) => r.id)).toEqual([row.id]);
    expect((await (await ben.call('GET', '/conversations/unread')).json()) as object).toMatchObject(
      {
        unassigned: 1,
      },
    );
  });

  it('keeps a note in the transcript without sending it, and ends a conversation', async () => {
    const [conv] = await list(ana, '?view=unassigned');
    const sentBefore = inbox.sandbox.sent.length;
    const note = await ana.call('POST', `/conversations/${conv!.id}/notes`, {
      text: 'VIP customer',
    });
    expect(note.status).toBe(201);
    expect((await ana.call('POST', `/conversations/${conv!.id}/notes`, { text: ' ' })).status).toBe(
      400,
    );
    const detail = (await (await ana.call('GET', `/conversations/${conv!.id}`)).json()) as {
      messages: { author: string; body: string; userId: string | null; status: string }[];
    };
    expect(detail.messages.at(-1)).toMatchObject({
      author: 'note',
      body: 'VIP customer',
      userId: ana.id,
    });
    await inbox.client.query(
      `update contacts set tags = '{vip}', attributes = '{"plan":"gold"}' where id = (select contact_id from conversations where id = $1)`,
      [conv!.id],
    );
    expect(await (await ana.call('GET', `/conversations/${conv!.id}`)).json()).toMatchObject({
      contactProfile: { tags: ['vip'], attributes: { plan: 'gold' }, optedOutAt: null },
    });
    expect((await ana.call('POST', `/conversations/${conv!.id}/end`)).status).toBe(200);
    expect((await ana.call('POST', `/conversations/${conv!.id}/end`)).status).toBe(409);
    expect((await list(ana)).find((x) => x.id === conv!.id)?.status).toBe('completed');
    expect(inbox.sandbox.sent.length).toBe(sentBefore);
  });
});
