// A person replying from the linked phone, as the inbox shows it (real Postgres, the embedded
// runtime, a sandbox number): what they wrote is in the transcript by `phone`, the conversation
// reads `handoff` while the pause lasts, and once it lapses it no longer does — in the list, its
// filter and the conversation — without waiting for the contact to write again.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { echoFlow, until } from '@waflow/testkit';
import { startInbox, type Inbox } from './inbox-test-harness.ts';

const contact = '34600000088@c.us';

describe('replies typed on the phone, in the inbox', () => {
  let inbox: Inbox;
  const statusesOf = async (query: string) =>
    ((await inbox.json('GET', `/conversations${query}`)).items as { status: string }[]).map(
      (c) => c.status,
    );

  beforeAll(async () => {
    inbox = await startInbox(inject('pgUrl'), echoFlow, { humanReplyPauseMs: 10 * 60_000 });
  });
  afterAll(async () => {
    await inbox.close();
  });

  it('shows what the person wrote, and the pause only while it lasts', async () => {
    inbox.sandbox.deliver({ from: contact, text: 'hi' });
    await until(() => (inbox.sandbox.sent.length === 1 ? true : undefined), 'the bot’s reply');
    inbox.sandbox.sendFromPhone(contact, 'Marta here, I will take it from here.');
    const conv = await until(async () => {
      const [c] = (await inbox.json('GET', '/conversations?status=handoff')).items as {
        id: string;
      }[];
      return c?.id;
    }, 'the conversation in handoff');

    // The bot's reply reads `sent` once the outbox has recorded it (just after the channel took it).
    const transcript = async () =>
      (
        (await inbox.json('GET', `/conversations/${conv}`)).messages as {
          direction: string;
          author: string;
          body: string;
          status: string;
        }[]
      ).map((m) =>
        m.direction === 'in' ? `in: ${m.body}` : `${m.author} (${m.status}): ${m.body}`,
      );
    await expect
      .poll(transcript, { timeout: 10_000 })
      .toEqual([
        'in: hi',
        'bot (sent): say something',
        'phone (sent): Marta here, I will take it from here.',
      ]);
    const detail = await inbox.json('GET', `/conversations/${conv}`);
    expect(detail.status).toBe('handoff');

    // Ten minutes later the pause has lapsed: the bot answers the contact's next message.
    await inbox.client.db
      .update(schema.conversations)
      .set({ handoffUntil: new Date(Date.now() - 1_000) })
      .where(eq(schema.conversations.id, conv));
    expect((await inbox.json('GET', `/conversations/${conv}`)).status).toBe('waiting');
    expect(await statusesOf('')).toEqual(['waiting']);
    expect(await statusesOf('?status=handoff')).toEqual([]);
    expect(await statusesOf('?status=waiting')).toEqual(['waiting']);
  });
});
