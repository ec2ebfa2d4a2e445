// Text Postgres cannot store, arriving from a channel (a WhatsApp message or contact name with a
// NUL or half an emoji): the message is kept with the NUL removed and the lone surrogate replaced
// by U+FFFD, and the bot answers it, instead of the insert failing and the message being lost.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { schema } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { seedNumberWithFlow, useRuntimeOnClock } from '../fixtures.ts';

describe('inbound text that Postgres cannot store', () => {
  const env = useRuntimeOnClock(() => Date.now());

  it('is persisted cleaned and answered, as the channel handed it over', async () => {
    const { numberId } = await seedNumberWithFlow(env.client, echoFlow);
    const sandbox = await env.runtime.attachSandbox(numberId);
    // The channel's 'inbound' event, the path WhatsApp messages take (runtime.receive).
    sandbox.deliver({
      from: '34600000009@c.us',
      contactName: 'Ana\u0000 \ud83d',
      text: 'hi\u0000 there \udc00!',
    });
    const deadline = Date.now() + 10_000;
    while (sandbox.sent.length < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await env.runtime.idle();
    const inbound = await env.client.db
      .select({ body: schema.messages.body })
      .from(schema.messages)
      .where(eq(schema.messages.direction, 'in'));
    expect(inbound.map((m) => m.body)).toEqual(['hi there \uFFFD!']);
    const [contact] = await env.client.db
      .select({ name: schema.contacts.name })
      .from(schema.contacts)
      .where(eq(schema.contacts.numberId, numberId));
    expect(contact?.name).toBe('Ana \uFFFD');
    expect(sandbox.sent.length).toBeGreaterThan(0);
  });
});
