// Resending a failed message from the inbox, on real Postgres with the embedded runtime and a
// sandbox number: a reply the channel refused shows failed with its reason; resend queues the
// same text through the outbox and it goes out once, even when the button is clicked twice.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { echoFlow, until } from '@waflow/testkit';
import { startInbox, type Inbox, type Json } from './inbox-test-harness.ts';

interface Msg {
  id: string;
  direction: string;
  body: string;
  status: string;
  error: string | null;
}
const contact = '34600000077@c.us';

describe('resending a failed message', () => {
  let inbox: Inbox;
  const call = (method: string, path: string) => inbox.call(method, path);
  const json = (method: string, path: string) => inbox.json(method, path);
  const outbound = async (conversationId: string) =>
    ((await json('GET', `/conversations/${conversationId}`)).messages as Msg[]).filter(
      (m) => m.direction === 'out',
    );

  beforeAll(async () => {
    inbox = await startInbox(inject('pgUrl'), echoFlow);
  });
  afterAll(async () => {
    await inbox.close();
  });

  it('shows a refused reply failed with its reason, and sends it once on a double-clicked resend', async () => {
    inbox.sandbox.failNext = { count: 1, transient: false };
    inbox.sandbox.deliver({ from: contact, text: 'hi' });
    const conv = await until(async () => {
      const list = (await json('GET', '/conversations')).items as { id: string }[];
      const id = list[0]?.id;
      return id && (await outbound(id))[0]?.status === 'failed' ? id : undefined;
    }, 'the refused reply');
    const [failed] = await outbound(conv);
    expect(failed).toMatchObject({
      body: 'say something',
      status: 'failed',
      error: 'sandbox send failure (requested by a test)',
    });

    const path = `/conversations/${conv}/messages/${failed?.id ?? ''}/resend`;
    const answers = await Promise.all([call('POST', path), call('POST', path)]);
    expect(answers.map((r) => r.status).sort()).toEqual([202, 409]);
    const refused = answers.find((r) => r.status === 409);
    expect(((await refused?.json()) as { error: Json }).error).toMatchObject({
      code: 'MESSAGE_NOT_FAILED',
      message: expect.stringMatching(/Only a failed message can be resent; this one is pending/),
    });
    await until(
      async () => ((await outbound(conv))[0]?.status === 'sent' ? true : undefined),
      'the resent reply',
    );
    expect(await outbound(conv)).toHaveLength(1);
    expect(inbox.sandbox.sent.map((s) => s.message.type === 'text' && s.message.text)).toEqual([
      'say something',
    ]);
    // Sent now: nothing to resend.
    expect((await call('POST', path)).status).toBe(409);
  });

  it('answers 404 for a message that is not in the conversation', async () => {
    const list = (await json('GET', '/conversations')).items as { id: string }[];
    const res = await call(
      'POST',
      `/conversations/${list[0]?.id ?? ''}/messages/00000000-0000-4000-8000-000000000000/resend`,
    );
    expect(res.status).toBe(404);
  });
});
